import { orders, payments, type OrderStatus, type Transaction } from '@commerce/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { refundKey } from './keys';
import { OFFLINE_PROVIDER } from './offline';

/**
 * Gives back what the order's payment captured, inside the caller's transaction (which holds
 * the order's row lock and has already moved its status). Called before that transaction
 * commits: a refund the provider refuses throws, the transaction rolls back, and the order is
 * unchanged. The reverse order (refund, then a separate transition) could refund an order that
 * a concurrent request shipped in between. What remains is a commit failing after the refund:
 * the retry sends the same idempotency key (the provider answers the same refund), and the
 * provider's refund webhook moves the still-paid order to `refunded` meanwhile.
 *
 * `from: 'pending'`: the order was never marked paid, so only a payment the store recorded as
 * captured (one that arrived with the wrong amount) is refunded; no provider is asked otherwise.
 * Answers whether money went back now.
 */
export async function refundOrderPaymentInTx(deps: Deps, tx: Transaction, move: { orderId: number; from: OrderStatus }): Promise<boolean> {
  const { orderId } = move;
  const [order] = await tx
    .select({ id: orders.id, createdAt: orders.createdAt, paymentIntentId: orders.paymentIntentId })
    .from(orders)
    .where(eq(orders.id, orderId));
  // Never paid through a provider (staff marked it paid): the money went back outside the store.
  if (!order?.paymentIntentId) return false;
  const paymentOfOrder = and(eq(payments.orderId, orderId), eq(payments.providerPaymentId, order.paymentIntentId));
  const [payment] = await tx.select({ provider: payments.provider, status: payments.status }).from(payments).where(paymentOfOrder);
  if (!payment || payment.provider === OFFLINE_PROVIDER || payment.status === 'refunded') return false;
  if (move.from === 'pending' && payment.status !== 'succeeded') return false;
  const provider = deps.payments.get(payment.provider);
  if (!provider) {
    throw new AppError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      `Order ${orderId} was paid through ${payment.provider}, which is not configured on this server: it cannot refund the payment`,
    );
  }
  const result = await provider.refund(order.paymentIntentId, refundKey(order));
  if (result.status !== 'refunded') return false;
  await tx.update(payments).set({ status: 'refunded', updatedAt: sql`now()` }).where(paymentOfOrder);
  return true;
}

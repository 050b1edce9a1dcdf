import { orders, payments, type Transaction } from '@commerce/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { OFFLINE_PROVIDER } from './offline';
import { refundKey } from './keys';

/**
 * Gives back what the order's payment captured, inside the caller's transaction (which holds
 * the order's row lock and has already moved its status). Called before that transaction
 * commits: a refund the provider refuses throws, the transaction rolls back, and the order is
 * unchanged. The reverse order (refund, then a separate transition) could refund an order that
 * a concurrent request shipped in between. What remains is a commit failing after the refund:
 * the retry sends the same idempotency key (Stripe answers the same refund), and Stripe's
 * `charge.refunded` webhook moves the still-paid order to `refunded` meanwhile.
 */
export async function refundOrderPaymentInTx(deps: Deps, tx: Transaction, orderId: number): Promise<void> {
  const [order] = await tx
    .select({ id: orders.id, createdAt: orders.createdAt, paymentIntentId: orders.paymentIntentId })
    .from(orders)
    .where(eq(orders.id, orderId));
  // Never paid through a provider (staff marked it paid): the money went back outside the store.
  if (!order?.paymentIntentId) return;
  const paymentOfOrder = and(eq(payments.orderId, orderId), eq(payments.providerPaymentId, order.paymentIntentId));
  const [payment] = await tx.select({ provider: payments.provider, status: payments.status }).from(payments).where(paymentOfOrder);
  if (!payment || payment.provider === OFFLINE_PROVIDER || payment.status === 'refunded') return;
  if (payment.provider !== deps.payments.name) {
    throw new AppError(
      'PAYMENT_PROVIDER_UNAVAILABLE',
      `Order ${orderId} was paid through ${payment.provider}, which is not configured on this server: it cannot refund the payment`,
    );
  }
  const result = await deps.payments.refund(order.paymentIntentId, refundKey(order));
  if (result.status === 'refunded') {
    await tx.update(payments).set({ status: 'refunded', updatedAt: sql`now()` }).where(paymentOfOrder);
  }
}

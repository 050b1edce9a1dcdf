import { orders, payments } from '@commerce/db';
import { and, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { isStaff, type Viewer } from '../viewer';
import { paymentKey } from './keys';
import type { PaymentSession } from './provider';
import type { PayOrderOutput } from './schemas';

/**
 * POST /api/orders/{id}/pay: opens the order's payment with the provider, or hands back the one
 * already open. Only the customer who placed a pending order may pay for it.
 *
 * The provider call happens outside any transaction: holding a row lock and a pooled
 * connection while Stripe answers would let a slow Stripe starve the whole store. Instead
 * every caller for one order sends the same idempotency key, so concurrent calls get the same
 * PaymentIntent from the provider, and the short transaction that stores it keeps the first.
 */
export async function payOrder(deps: Deps, viewer: Viewer, orderId: number): Promise<PayOrderOutput> {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  const provider = deps.payments;
  const [order] = await deps.db
    .select({
      id: orders.id,
      userId: orders.userId,
      status: orders.status,
      totalCents: orders.totalCents,
      currency: orders.currency,
      paymentIntentId: orders.paymentIntentId,
      createdAt: orders.createdAt,
    })
    .from(orders)
    .where(eq(orders.id, orderId));
  if (!order || order.userId !== viewer.userId) {
    // Staff can see the order, so for them it exists; customers learn nothing about others' orders.
    if (order && isStaff(viewer)) throw new AppError('FORBIDDEN', `Only the customer who placed order ${orderId} can pay for it`);
    throw notFound('Order');
  }
  if (order.status !== 'pending') {
    throw new AppError('ORDER_NOT_PAYABLE', `Order ${orderId} is ${order.status}: only a pending order can be paid`);
  }
  if (order.totalCents <= 0) {
    throw new AppError('NOTHING_TO_PAY', `Order ${orderId} costs nothing: there is no payment to make`);
  }

  const stored = order.paymentIntentId ? await providerOf(deps, orderId, order.paymentIntentId) : undefined;
  if (order.paymentIntentId && stored === provider.name) {
    return withProvider(provider.name, await provider.resumePayment({ orderId, paymentIntentId: order.paymentIntentId }));
  }

  // No payment yet, or one opened with another provider (the store ran offline before Stripe
  // was configured): open one with the current provider, which replaces it.
  const created = await provider.createPayment({
    orderId,
    amountCents: order.totalCents,
    currency: order.currency,
    idempotencyKey: paymentKey(order),
  });

  const winner = await deps.db.transaction(async (tx) => {
    const [locked] = await tx
      .select({ status: orders.status, paymentIntentId: orders.paymentIntentId })
      .from(orders)
      .where(eq(orders.id, orderId))
      .for('update');
    if (!locked) throw notFound('Order');
    if (locked.status !== 'pending') {
      throw new AppError('ORDER_NOT_PAYABLE', `Order ${orderId} is ${locked.status}: only a pending order can be paid`);
    }
    // A concurrent /pay stored its payment first: with the same key it is this one; else keep it.
    if (locked.paymentIntentId && locked.paymentIntentId !== order.paymentIntentId) return locked.paymentIntentId;
    await tx
      .insert(payments)
      .values({
        orderId,
        provider: provider.name,
        providerPaymentId: created.paymentIntentId,
        status: 'pending',
        amountCents: order.totalCents,
        currency: order.currency,
      })
      .onConflictDoNothing();
    if (locked.paymentIntentId) {
      // The other provider's payment can no longer be paid through this store.
      await tx
        .update(payments)
        .set({ status: 'replaced', updatedAt: sql`now()` })
        .where(and(eq(payments.orderId, orderId), eq(payments.providerPaymentId, locked.paymentIntentId)));
    }
    await tx.update(orders).set({ paymentIntentId: created.paymentIntentId }).where(eq(orders.id, orderId));
    return created.paymentIntentId;
  });
  if (winner === created.paymentIntentId) return withProvider(provider.name, created);
  return withProvider(provider.name, await provider.resumePayment({ orderId, paymentIntentId: winner }));
}

/** The provider a stored payment went through. */
async function providerOf(deps: Deps, orderId: number, paymentIntentId: string): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ provider: payments.provider })
    .from(payments)
    .where(and(eq(payments.orderId, orderId), eq(payments.providerPaymentId, paymentIntentId)))
    .limit(1);
  return row?.provider;
}

const withProvider = (provider: string, session: PaymentSession): PayOrderOutput => ({ provider, ...session });

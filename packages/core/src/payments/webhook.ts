import { orders, paymentEvents, payments, type OrderStatus, type Transaction } from '@commerce/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { systemActor } from '../orders/actor';
import { transaction } from '../transaction';
import { transitionOrderInTx } from '../orders/transition';
import type { PaymentEvent } from './provider';
import { refundOrderPaymentInTx } from './refund';
import type { PaymentStatus } from './schemas';

export interface WebhookResult {
  eventId: string;
  type: string;
  /**
   * `applied`: the order moved; `unchanged`: the order already says what the event says (or
   * cannot follow it); `duplicate`: this event id was applied before; `ignored`: a type the
   * store does not use, or no order matches.
   */
  outcome: 'applied' | 'unchanged' | 'duplicate' | 'ignored';
  orderId?: number;
  /** The order's status afterwards. */
  status?: OrderStatus;
  reason?: string;
  /** Something a person should look at: the route logs it as a warning. */
  attention?: boolean;
}

/** POST /api/webhooks/stripe: verify the signature over the raw body, then apply the event once. */
export async function receivePaymentWebhook(deps: Deps, rawBody: Buffer, signature: string | undefined): Promise<WebhookResult> {
  return applyPaymentEvent(deps, await deps.payments.parseWebhook(rawBody, signature));
}

type OrderRow = { id: number; status: OrderStatus; paymentIntentId: string | null; totalCents: number; currency: string };

/**
 * Applies a verified provider event to its order, once per event id: the event row, the
 * payment's status and the order's transition (with its timeline entry) commit together or
 * not at all, so a failure leaves nothing behind and the provider's retry applies it.
 */
export async function applyPaymentEvent(deps: Deps, event: PaymentEvent): Promise<WebhookResult> {
  const base = { eventId: event.id, type: event.type };
  if (!event.effect) return { ...base, outcome: 'ignored', reason: event.note ?? 'an event type the store does not use' };
  const effect = event.effect;

  return transaction(deps, async (tx): Promise<WebhookResult> => {
    // Claimed first: a concurrent delivery of the same id blocks on this uncommitted row, then
    // finds it committed and does nothing; if this transaction rolls back, that one applies it.
    const claimed = await tx
      .insert(paymentEvents)
      .values({ id: event.id, provider: deps.payments.name, type: event.type })
      .onConflictDoNothing()
      .returning({ id: paymentEvents.id });
    if (claimed.length === 0) return { ...base, outcome: 'duplicate' };

    const found = await findOrder(tx, event);
    if ('reason' in found) return { ...base, outcome: 'ignored', ...found, attention: true };
    const order = found.order;
    const paymentIntentId = order.paymentIntentId ?? event.paymentIntentId;
    if (!order.paymentIntentId && paymentIntentId) await adoptPayment(deps, tx, order, paymentIntentId, event);
    if (paymentIntentId) await setPaymentStatus(tx, order.id, paymentIntentId, effect === 'paid' ? 'succeeded' : 'refunded');

    const target: OrderStatus = effect;
    const note = `${event.type} ${event.id}`;
    const unchanged = (reason: string, attention = false): WebhookResult => ({
      ...base,
      outcome: 'unchanged',
      orderId: order.id,
      status: order.status,
      reason,
      attention,
    });
    if (order.status === target) return unchanged(`the order is already ${target}`);
    if (effect === 'paid' && order.status === 'cancelled') {
      // The customer paid after the order was cancelled (a payment page left open): the goods
      // are back on the shelf, so the money goes back too, before this event counts as applied.
      await refundOrderPaymentInTx(deps, tx, order.id);
      return unchanged('the order was cancelled before the payment arrived: the payment was refunded', true);
    }
    if (effect === 'refunded' && order.status === 'pending') {
      return unchanged('a refund of an order that was never marked paid', true);
    }
    if (effect === 'paid' && order.status !== 'pending') return unchanged(`the order is already ${order.status}`);
    // Cancelled (refunded by the store itself: this is the echo) or refunded already.
    if (effect === 'refunded' && (order.status === 'cancelled' || order.status === 'refunded')) {
      return unchanged(`the order is already ${order.status}`);
    }
    await transitionOrderInTx(deps, tx, { actor: systemActor, orderId: order.id, to: target, note });
    return { ...base, outcome: 'applied', orderId: order.id, status: target };
  });
}

/**
 * The order of the event, locked: through the payment id stored with the order, else through
 * `metadata.orderId` when that order has no payment stored yet (its /pay transaction failed
 * after Stripe opened the intent). An order holding another payment is not this event's.
 */
async function findOrder(tx: Transaction, event: PaymentEvent): Promise<{ order: OrderRow } | { reason: string; orderId?: number }> {
  const columns = {
    id: orders.id,
    status: orders.status,
    paymentIntentId: orders.paymentIntentId,
    totalCents: orders.totalCents,
    currency: orders.currency,
  };
  if (event.paymentIntentId) {
    const [order] = await tx.select(columns).from(orders).where(eq(orders.paymentIntentId, event.paymentIntentId)).for('update');
    if (order) return { order };
  }
  const unknown = `no order has the payment ${event.paymentIntentId ?? '(none)'}`;
  if (event.orderId === null) return { reason: unknown };
  const [order] = await tx.select(columns).from(orders).where(eq(orders.id, event.orderId)).for('update');
  if (!order) return { reason: `${unknown}, and its metadata names no existing order` };
  if (order.paymentIntentId) {
    return { reason: `${unknown}: its metadata names order ${order.id}, which has the payment ${order.paymentIntentId}`, orderId: order.id };
  }
  return { order };
}

/** Stores a payment found through its metadata with its order, as /pay would have. */
async function adoptPayment(deps: Deps, tx: Transaction, order: OrderRow, paymentIntentId: string, event: PaymentEvent) {
  await tx
    .insert(payments)
    .values({
      orderId: order.id,
      provider: deps.payments.name,
      providerPaymentId: paymentIntentId,
      status: 'pending',
      amountCents: event.amountCents ?? order.totalCents,
      currency: event.currency ?? order.currency,
    })
    .onConflictDoNothing();
  await tx.update(orders).set({ paymentIntentId }).where(eq(orders.id, order.id));
  order.paymentIntentId = paymentIntentId;
}

async function setPaymentStatus(tx: Transaction, orderId: number, paymentIntentId: string, status: PaymentStatus) {
  const conditions = [eq(payments.orderId, orderId), eq(payments.providerPaymentId, paymentIntentId)];
  // A late `succeeded` must not undo a refund recorded before it.
  if (status === 'succeeded') conditions.push(ne(payments.status, 'refunded'));
  await tx.update(payments).set({ status, updatedAt: sql`now()` }).where(and(...conditions));
}

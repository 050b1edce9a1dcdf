import { orders, paymentEvents, payments, type OrderStatus, type Transaction } from '@commerce/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { systemActor } from '../orders/actor';
import { transitionOrderInTx } from '../orders/transition';
import { transaction } from '../transaction';
import { captureKey, refundKey } from './keys';
import type { PaymentEvent, PaymentProvider, WebhookHeaders } from './provider';
import { refundOrderPaymentInTx } from './refund';
import type { PaymentStatus } from './schemas';
import { flagForStaff, noteOnTimeline } from './timeline';

export interface WebhookResult {
  eventId: string;
  type: string;
  /**
   * `applied`: the order moved; `noted`: written to the order's timeline (a failed payment, a
   * flag for staff) without a move; `unchanged`: the order already says what the event says
   * (or cannot follow it); `duplicate`: this event id was applied before; `ignored`: a type
   * the store does not use, or no order matches.
   */
  outcome: 'applied' | 'noted' | 'unchanged' | 'duplicate' | 'ignored';
  orderId?: number;
  /** The order's status afterwards. */
  status?: OrderStatus;
  reason?: string;
  /** Something a person should look at: the route logs it as a warning. */
  attention?: boolean;
}

/**
 * POST /api/webhooks/{provider}: the provider named in the path verifies the request (its
 * signature over the raw body), then the event is applied once. A provider that is not
 * configured, or takes no webhooks, is a 404.
 */
export async function receivePaymentWebhook(
  deps: Deps,
  request: { provider: string; rawBody: Buffer; headers: WebhookHeaders },
): Promise<WebhookResult> {
  const provider = deps.payments.webhookReceiver(request.provider);
  if (!provider) throw new AppError('NOT_FOUND', `This server takes no ${request.provider} webhooks: that provider is not configured`);
  return applyPaymentEvent(deps, provider, await provider.parseWebhook(request.rawBody, request.headers));
}

type OrderRow = {
  id: number;
  status: OrderStatus;
  paymentIntentId: string | null;
  totalCents: number;
  currency: string;
  createdAt: Date;
};

/** The order an event is about, and whether the event's payment is the one the order uses. */
type Found = { order: OrderRow; current: boolean };

interface Applying {
  deps: Deps;
  tx: Transaction;
  provider: PaymentProvider;
  event: PaymentEvent;
  found: Found;
}

/**
 * Applies a verified provider event to its order, once per event id: the event row, the
 * payment's status, the order's transition or flag and its timeline entry commit together or
 * not at all, so a failure leaves nothing behind and the provider's retry applies it.
 *
 * Every race ends one of two ways: the order paid and kept, or cancelled with the money given
 * back. A payment reaching a cancelled or expired order (whose stock went back) is refunded in
 * this transaction; if the refund fails, nothing commits and the provider retries.
 */
export async function applyPaymentEvent(deps: Deps, provider: PaymentProvider, event: PaymentEvent): Promise<WebhookResult> {
  const base = { eventId: event.id, type: event.type };
  if (!event.effect) return { ...base, outcome: 'ignored', reason: event.note ?? 'an event type the store does not use' };

  return transaction(deps, async (tx): Promise<WebhookResult> => {
    // Claimed first: a concurrent delivery of the same id blocks on this uncommitted row, then
    // finds it committed and does nothing; if this transaction rolls back, that one applies it.
    const claimed = await tx
      .insert(paymentEvents)
      .values({ id: event.id, provider: provider.name, type: event.type })
      .onConflictDoNothing()
      .returning({ id: paymentEvents.id });
    if (claimed.length === 0) return { ...base, outcome: 'duplicate' };

    const found = await findOrder(deps, tx, provider, event);
    if ('reason' in found) return { ...base, outcome: 'ignored', ...found, attention: true };
    return applyTo({ deps, tx, provider, event, found });
  });
}

async function applyTo(applying: Applying): Promise<WebhookResult> {
  const { event, found } = applying;
  const { order } = found;
  const paymentId = event.paymentIntentId ?? order.paymentIntentId;
  if (paymentId && event.effect === 'paid') await setPaymentStatus(applying, paymentId, 'succeeded');

  if (!found.current) {
    if (event.effect !== 'paid' || !paymentId) return unchanged(applying, 'a payment the order no longer uses');
    // Money arrived through a payment the order replaced (the customer switched provider):
    // the order is paid through its own payment or not at all, so this money goes back.
    await refundPayment(applying, paymentId);
    return flag(applying, `Payment ${paymentId} (${applying.provider.name}) arrived for a payment the order no longer uses: it was refunded`);
  }
  switch (event.effect) {
    case 'paid':
      return paid(applying);
    case 'approved':
      return approved(applying);
    case 'failed':
      if (order.status !== 'pending') return unchanged(applying, `a failed payment attempt for an order that is ${order.status}`);
      return note(applying, `Payment failed (${event.type}): ${event.note ?? 'no reason given'}`);
    case 'refunded':
      return refunded(applying);
    default:
      return unchanged(applying, 'an event type the store does not use');
  }
}

async function paid(applying: Applying): Promise<WebhookResult> {
  const { order } = applying.found;
  if (order.status === 'cancelled' || order.status === 'refunded') {
    // The customer paid after the order was cancelled or expired (a payment page left open):
    // the goods are back on the shelf, so the money goes back too, before this event counts.
    if (await refundOrderPaymentInTx(applying.deps, applying.tx, { orderId: order.id, from: order.status })) {
      return flag(applying, `A payment arrived after the order was ${order.status}: it was refunded (${applying.event.type} ${applying.event.id})`);
    }
    return unchanged(applying, `the order is ${order.status} and its payment was given back already`);
  }
  if (order.status !== 'pending') return unchanged(applying, `the order is already ${order.status}`);
  const mismatch = amountMismatch(applying.event, order);
  if (mismatch) return flag(applying, `Payment ${applying.event.paymentIntentId ?? ''} does not match the order: ${mismatch}; the order stays pending`);
  return markPaid(applying, `${applying.event.type} ${applying.event.id}`);
}

/** The payer approved: capture now, unless the order can no longer be paid or the amount is wrong. */
async function approved(applying: Applying): Promise<WebhookResult> {
  const { order } = applying.found;
  const { provider, event } = applying;
  // Nothing was taken yet, so an order cancelled or expired meanwhile simply is not captured.
  if (order.status !== 'pending') return unchanged(applying, `the order is ${order.status}: the approved payment was not captured`);
  const mismatch = amountMismatch(event, order);
  if (mismatch) return flag(applying, `Approved payment ${event.paymentIntentId ?? ''} does not match the order: ${mismatch}; it was not captured`);
  if (!provider.capturePayment || !order.paymentIntentId) return unchanged(applying, `${provider.name} captures by itself`);
  // Captured while the order row is locked, so neither expiry nor a cancel can slip in between;
  // a commit failing after this capture is retried with the same key and answers the same capture.
  const capture = await provider.capturePayment(order.paymentIntentId, captureKey(order));
  if (capture.status === 'failed') return note(applying, `Payment failed (capture refused): ${capture.reason}`);
  await setPaymentStatus(applying, order.paymentIntentId, 'succeeded');
  const captured = { ...event, amountCents: capture.amountCents ?? event.amountCents, currency: capture.currency ?? event.currency };
  const capturedMismatch = amountMismatch(captured, order);
  if (capturedMismatch) return flag(applying, `Captured payment ${order.paymentIntentId} does not match the order: ${capturedMismatch}`);
  return markPaid(applying, `${event.type} ${event.id}: captured`);
}

async function refunded(applying: Applying): Promise<WebhookResult> {
  const { order } = applying.found;
  const { event } = applying;
  if (event.amountCents !== null && event.amountCents < order.totalCents) {
    return unchanged(applying, 'a partial refund: the order is unchanged');
  }
  const paymentId = event.paymentIntentId ?? order.paymentIntentId;
  if (paymentId) await setPaymentStatus(applying, paymentId, 'refunded');
  if (order.status === 'refunded' || order.status === 'cancelled') return unchanged(applying, `the order is already ${order.status}`);
  if (order.status === 'pending') return unchanged(applying, 'a refund of an order that was never marked paid', true);
  await transitionOrderInTx(applying.deps, applying.tx, { actor: systemActor, orderId: order.id, to: 'refunded', note: `${event.type} ${event.id}` });
  return { ...baseOf(applying), outcome: 'applied', orderId: order.id, status: 'refunded' };
}

async function markPaid(applying: Applying, note: string): Promise<WebhookResult> {
  const { order } = applying.found;
  await transitionOrderInTx(applying.deps, applying.tx, { actor: systemActor, orderId: order.id, to: 'paid', note });
  return { ...baseOf(applying), outcome: 'applied', orderId: order.id, status: 'paid' };
}

/** Why the money does not match the order, or null when it does. */
function amountMismatch(event: PaymentEvent, order: OrderRow): string | null {
  if (event.amountCents === null || event.currency === null) return 'the event names no amount';
  if (event.amountCents === order.totalCents && event.currency === order.currency) return null;
  return `paid ${event.amountCents} ${event.currency}, the order is ${order.totalCents} ${order.currency}`;
}

/** A timeline entry without a move: the order stays as it is. */
async function note(applying: Applying, text: string, attention = false): Promise<WebhookResult> {
  const { order } = applying.found;
  await noteOnTimeline(applying.tx, order, text);
  return { ...baseOf(applying), outcome: 'noted', orderId: order.id, status: order.status, reason: text, attention };
}

async function flag(applying: Applying, reason: string): Promise<WebhookResult> {
  const { order } = applying.found;
  await flagForStaff(applying.tx, order, reason);
  return { ...baseOf(applying), outcome: 'noted', orderId: order.id, status: order.status, reason, attention: true };
}

function unchanged(applying: Applying, reason: string, attention = false): WebhookResult {
  const { order } = applying.found;
  return { ...baseOf(applying), outcome: 'unchanged', orderId: order.id, status: order.status, reason, attention };
}

const baseOf = ({ event }: Applying) => ({ eventId: event.id, type: event.type });

/** Refunds a payment that is not the order's own (its refund key names the payment, not just the order). */
async function refundPayment(applying: Applying, paymentId: string) {
  const result = await applying.provider.refund(paymentId, `${refundKey(applying.found.order)}-${paymentId}`);
  if (result.status === 'refunded') await setPaymentStatus(applying, paymentId, 'refunded');
}

const orderColumns = {
  id: orders.id,
  status: orders.status,
  paymentIntentId: orders.paymentIntentId,
  totalCents: orders.totalCents,
  currency: orders.currency,
  createdAt: orders.createdAt,
};

/**
 * The order of the event, locked: through the payment as the store recorded it (with this
 * provider), else through the order id in the payment's metadata (its /pay transaction failed
 * after the provider opened the payment). `current` says whether the order still uses it.
 */
async function findOrder(
  deps: Deps,
  tx: Transaction,
  provider: PaymentProvider,
  event: PaymentEvent,
): Promise<Found | { reason: string; orderId?: number }> {
  const lockOrder = async (id: number) => (await tx.select(orderColumns).from(orders).where(eq(orders.id, id)).for('update'))[0];
  if (event.paymentIntentId) {
    const [payment] = await tx
      .select({ orderId: payments.orderId })
      .from(payments)
      .where(and(eq(payments.provider, provider.name), eq(payments.providerPaymentId, event.paymentIntentId)));
    const order = payment && (await lockOrder(payment.orderId));
    if (order) return { order, current: order.paymentIntentId === event.paymentIntentId };
  }
  const unknown = `no order has the payment ${event.paymentIntentId ?? '(none)'}`;
  if (event.orderId === null) return { reason: unknown };
  const order = await lockOrder(event.orderId);
  if (!order) return { reason: `${unknown}, and its metadata names no existing order` };
  if (!event.paymentIntentId) return { reason: `${unknown}: the event names no payment`, orderId: order.id };
  if (order.paymentIntentId) return { order, current: false };
  await adoptPayment({ deps, tx, provider, event, found: { order, current: true } }, event.paymentIntentId);
  return { order, current: true };
}

/** Stores a payment found through its metadata with its order, as /pay would have. */
async function adoptPayment(applying: Applying, paymentIntentId: string) {
  const { tx, provider, event, found } = applying;
  const { order } = found;
  await tx
    .insert(payments)
    .values({
      orderId: order.id,
      provider: provider.name,
      providerPaymentId: paymentIntentId,
      status: 'pending',
      amountCents: event.amountCents ?? order.totalCents,
      currency: event.currency ?? order.currency,
    })
    .onConflictDoNothing();
  await tx.update(orders).set({ paymentIntentId }).where(eq(orders.id, order.id));
  order.paymentIntentId = paymentIntentId;
}

async function setPaymentStatus({ tx, provider, found }: Applying, paymentId: string, status: PaymentStatus) {
  const conditions = [
    eq(payments.orderId, found.order.id),
    eq(payments.provider, provider.name),
    eq(payments.providerPaymentId, paymentId),
  ];
  // A late `succeeded` must not undo a refund recorded before it.
  if (status === 'succeeded') conditions.push(ne(payments.status, 'refunded'));
  await tx.update(payments).set({ status, updatedAt: sql`now()` }).where(and(...conditions));
}

import { orderEvents, orderItems, orders, type OrderStatus, type Transaction } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import { recordChange } from '../audit';
import type { Deps } from '../deps';
import { emit, type StoreEventType } from '../outbox';
import { publishAfterCommit } from '../live';
import { releaseCoupon } from '../pricing/coupons';
import { afterCommit, transaction } from '../transaction';
import { AppError, notFound } from '../errors';
import { isStaff, type Viewer } from '../viewer';
import { actorFor, type OrderActor } from './actor';
import { issueInvoiceNumber } from './invoice-number';
import { loadOrder, orderSeenBy } from './read';
import type { OrderDetailDto } from './schemas';
import { canTransition, refundsPayment, returnsStock, stopsPayment } from './status';
import { returnStock } from './stock';

export interface TransitionOptions {
  /** Written to the order's timeline, e.g. a refund reason. */
  note?: string | undefined;
  /** For a move to `shipped`: who carries it, and its tracking number. */
  shipment?: { carrier?: string | undefined; trackingNumber?: string | undefined } | undefined;
}

/**
 * Moves an order to `to` inside the caller's transaction: locks the order row (so two
 * concurrent transitions cannot both apply), checks the status machine, writes the timeline
 * event and returns stock where goods never shipped (cached catalog reads show it once the
 * transaction commits). A pending order cancelled (by a person or by expiry) has its open
 * payments stopped at the provider once the transaction commits.
 *
 * For callers that need the change in a transaction of their own (a payment webhook that
 * also records the provider's event); everyone else calls `transitionOrder`.
 */
export async function transitionOrderInTx(
  deps: Deps,
  tx: Transaction,
  { actor, orderId, to, note, shipment }: { actor: OrderActor; orderId: number; to: OrderStatus } & TransitionOptions,
): Promise<{ from: OrderStatus }> {
  const [order] = await tx
    .select({ userId: orders.userId, status: orders.status })
    .from(orders)
    .where(eq(orders.id, orderId))
    .for('update');
  // A customer learns nothing about other people's orders.
  if (!order || (actor.kind === 'customer' && order.userId !== actor.userId)) throw notFound('Order');
  const from = order.status;
  if (actor.kind === 'customer') {
    if (to !== 'cancelled') throw new AppError('FORBIDDEN', 'Customers may only cancel their orders');
    if (from !== 'pending') {
      throw new AppError('ILLEGAL_TRANSITION', `Order ${orderId} is ${from}: only a pending order can be cancelled by its customer`);
    }
  }
  if (!canTransition(from, to)) {
    throw new AppError('ILLEGAL_TRANSITION', `Order ${orderId} cannot go from ${from} to ${to}`);
  }

  if (shipment && to !== 'shipped' && (shipment.carrier !== undefined || shipment.trackingNumber !== undefined)) {
    throw new AppError('BAD_REQUEST', 'carrier and trackingNumber go with status "shipped" only', { field: 'carrier' });
  }
  const shipped =
    to === 'shipped'
      ? { carrier: shipment?.carrier ?? null, trackingNumber: shipment?.trackingNumber ?? null, shippedAt: deps.clock.now().toISOString() }
      : undefined;
  await tx
    .update(orders)
    .set({ status: to, updatedAt: sql`now()`, ...(shipped && { shipment: shipped }) })
    .where(eq(orders.id, orderId));
  await tx.insert(orderEvents).values({
    orderId,
    fromStatus: from,
    toStatus: to,
    actorUserId: actor.userId,
    actorKind: actor.kind,
    note: note ?? null,
  });
  if (actor.kind === 'staff') {
    const after = { status: to, ...(note && { note }), ...(shipped && { shipment: shipped }) };
    await recordChange(deps, tx, { actor, entity: 'order', id: orderId, action: 'status', before: { status: from }, after });
  }
  publishAfterCommit(deps, tx, { type: 'order.status', orderId, from, to });
  if (returnsStock(from, to)) {
    const lines = await tx
      .select({ productId: orderItems.productId, variantId: orderItems.variantId, quantity: orderItems.quantity })
      .from(orderItems)
      .where(eq(orderItems.orderId, orderId));
    await returnStock(deps, tx, lines);
  }
  // An unpaid order cancelled (by its customer, staff or the expiry sweep) gives its coupon use back.
  if (from === 'pending' && to === 'cancelled') await releaseCoupon(tx, orderId);
  if (to === 'paid') await issueInvoiceNumber(deps, tx, orderId);
  // Customers' emails and admins' webhooks follow from the event, written with the change.
  await emit(deps, tx, `order.${to}` as StoreEventType, { orderId, from, to });
  if (stopsPayment(from, to)) {
    afterCommit(tx, { key: `cancel-open-payments-${orderId}`, run: () => deps.orderPayments.cancelOpenPayments(deps, orderId) });
  }
  return { from };
}

/**
 * The status machine's entry point for the API. A move that gives the money back (paid →
 * cancelled, or → refunded) refunds the payment through the provider before the transaction
 * commits, so a refused refund leaves the order as it was (OrderPayments.refundInTx says why
 * this order); so does a pending order cancelled whose payment was captured with the wrong
 * amount. Payment webhooks use transitionOrderInTx in a transaction of their own.
 */
export async function transitionOrder(
  deps: Deps,
  actor: OrderActor,
  orderId: number,
  to: OrderStatus,
  options: TransitionOptions = {},
): Promise<OrderDetailDto> {
  await transaction(deps, async (tx) => {
    const moved = await transitionOrderInTx(deps, tx, { actor, orderId, to, ...options });
    if (refundsPayment(moved.from, to) || stopsPayment(moved.from, to)) {
      await deps.orderPayments.refundInTx(deps, tx, { orderId, from: moved.from });
    }
  });
  const order = await loadOrder(deps.db, orderId);
  if (!order) throw notFound('Order');
  return order;
}

/** POST /api/orders/{id}/cancel: the owner while pending; staff and admin whenever the machine allows. */
export async function cancelOrder(deps: Deps, viewer: Viewer, orderId: number): Promise<OrderDetailDto> {
  return orderSeenBy(viewer, await transitionOrder(deps, actorFor(viewer), orderId, 'cancelled'));
}

/** PUT /api/orders/{id}/status: staff and admin. */
export async function setOrderStatus(
  deps: Deps,
  viewer: Viewer,
  input: { id: number; status: OrderStatus; note?: string | undefined; carrier?: string | undefined; trackingNumber?: string | undefined },
): Promise<OrderDetailDto> {
  if (!isStaff(viewer)) throw new AppError('FORBIDDEN', 'Staff or admin role required');
  const { carrier, trackingNumber } = input;
  return transitionOrder(deps, actorFor(viewer), input.id, input.status, { note: input.note, shipment: { carrier, trackingNumber } });
}

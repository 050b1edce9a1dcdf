import { orderEvents, orderItems, orders, queryRows, users, type ShippingAddress, type Transaction } from '@commerce/db';
import { and, eq, sql } from 'drizzle-orm';
import { destinationOf } from '../addresses/addresses';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { emit } from '../outbox';
import { publishAfterCommit } from '../live';
import { redeemCoupon } from '../pricing/coupons';
import { quote } from '../pricing/quote';
import { afterCommit, transaction } from '../transaction';
import type { Viewer } from '../viewer';
import { actorFor, type UserActor } from './actor';
import { claimIdempotencyKey, parseIdempotencyKey, recordIdempotentOrder, requestIdentity } from './idempotency';
import { loadOrder } from './read';
import type { OrderDetailDto, OrderLineInput, PlaceOrderInput } from './schemas';
import { notForSale, PriceChanged, priceLines, resolveLines, takeStock, type Unavailable } from './stock';

export interface OrderSubmission {
  actor: UserActor;
  /** The endpoint, part of what an Idempotency-Key stands for. */
  endpoint: string;
  /** The validated input; `idempotencyKey` is the raw key from the header or the input field. */
  input: { idempotencyKey?: string | undefined };
  /** Writes the order; answers its id. */
  write(tx: Transaction): Promise<number>;
}

/**
 * The one way an order comes to be (POST /orders and checkout): claim the idempotency key,
 * write the order, remember it under the key, all in one transaction; a retry of a committed
 * request answers the order it made.
 */
export async function submitOrder(deps: Deps, submission: OrderSubmission): Promise<OrderDetailDto> {
  const key = parseIdempotencyKey(submission.input.idempotencyKey);
  const userId = submission.actor.userId;
  const attempt = () =>
    transaction(deps, async (tx) => {
      if (key) {
        const hash = requestIdentity(submission.endpoint, submission.input);
        const replay = await claimIdempotencyKey(tx, deps.clock.now(), userId, key, hash);
        if (replay) return replay.replayOrderId;
      }
      const written = await submission.write(tx);
      // Pipelined, one round trip; the event is written after the stock moved, so a low-stock
      // event the sale caused comes before it in the outbox, as it always has.
      await Promise.all([key && recordIdempotentOrder(tx, userId, key, written), emit(deps, tx, 'order.created', { orderId: written })]);
      afterCommit(tx, { run: async () => deps.observer?.orderCreated() });
      publishAfterCommit(deps, tx, { type: 'order.created', orderId: written, userId });
      return written;
    });
  const orderId = await retryOnPriceChange(attempt);
  const order = await loadOrder(deps.db, orderId);
  if (!order) throw notFound('Order');
  return order;
}

/** A price that changed under an order being written: write it again at the new price (a few times at most). */
async function retryOnPriceChange<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof PriceChanged) || tries >= 5) throw error;
    }
  }
}

export interface OrderToWrite {
  actor: UserActor;
  lines: readonly OrderLineInput[];
  shippingAddress: ShippingAddress | null;
  couponCode?: string | null | undefined;
  shippingMethodId?: number | null | undefined;
  unavailable: Unavailable;
}

/** A customer's unpaid orders and the units in them. */
interface Pending {
  orders: number;
  units: number;
}

/**
 * Locks the customer's row, then counts what they hold unpaid: their concurrent orders are
 * counted one after another, never both against the same total. The two statements go out
 * together (one round trip); Postgres still runs the count once the lock is granted, with a
 * snapshot taken then.
 */
async function lockAndReadPending(tx: Transaction, userId: number): Promise<Pending> {
  const [, [held]] = await Promise.all([
    tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update'),
    tx
      .select({ orders: sql<number>`count(distinct ${orders.id})::int`, units: sql<number>`coalesce(sum(${orderItems.quantity}), 0)::int` })
      .from(orders)
      .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
      .where(and(eq(orders.userId, userId), eq(orders.status, 'pending'))),
  ]);
  return { orders: Number(held?.orders ?? 0), units: Number(held?.units ?? 0) };
}

/**
 * A customer holds at most `maxOrders` unpaid orders and `maxUnits` units in them, so nobody can
 * take a product's whole stock off sale without paying.
 */
function checkPendingLimits(deps: Deps, pending: Pending, units: number) {
  const { maxOrders, maxUnits } = deps.settings.pendingOrders;
  if (maxOrders > 0 && pending.orders + 1 > maxOrders) {
    throw new AppError(
      'PENDING_ORDER_LIMIT',
      `You have ${pending.orders} unpaid orders, the most one customer may hold: pay or cancel one first`,
    );
  }
  if (maxUnits > 0 && pending.units + units > maxUnits) {
    throw new AppError(
      'PENDING_ORDER_LIMIT',
      `Unpaid orders may hold at most ${maxUnits} units per customer: ${pending.units} are held, this order adds ${units}`,
      { field: 'items' },
    );
  }
}

/**
 * Finds each line's variant, writes a pending order with its lines and first event, and takes
 * the stock last: the variants' rows stay locked only for that statement and the commit.
 */
export async function writeOrder(deps: Deps, tx: Transaction, order: OrderToWrite): Promise<number> {
  const { actor, unavailable } = order;
  const { maxOrders, maxUnits } = deps.settings.pendingOrders;
  const limited = actor.kind === 'customer' && (maxOrders > 0 || maxUnits > 0);
  // Read together; the lines are checked first, as they always were.
  const [lines, pending] = await Promise.all([
    resolveLines(tx, { lines: order.lines, unavailable }),
    limited ? lockAndReadPending(tx, actor.userId) : null,
  ]);
  if (pending) checkPendingLimits(deps, pending, lines.reduce((sum, line) => sum + line.quantity, 0));
  const taken = await priceLines(deps, tx, { lines, unavailable });
  // Priced from the lines' current prices, by the same function as the cart's preview; the
  // stock statement at the end takes each unit only at that price.
  const { breakdown, coupon, shippingMethod } = await quote(
    tx,
    { lines: taken.lines, couponCode: order.couponCode, destination: order.shippingAddress, shippingMethodId: order.shippingMethodId, now: deps.clock.now() },
    'order',
  );
  const written = tx
    .insert(orders)
    .values({
      userId: actor.userId,
      status: 'pending',
      subtotalCents: breakdown.subtotalCents,
      discountCents: breakdown.discountCents,
      shippingCents: breakdown.shippingCents,
      taxCents: breakdown.taxCents,
      totalCents: breakdown.totalCents,
      couponCode: coupon?.code ?? null,
      shippingMethod: shippingMethod && { id: shippingMethod.id, name: shippingMethod.name, minDays: shippingMethod.minDays, maxDays: shippingMethod.maxDays },
      currency: deps.settings.currency,
      shippingAddress: order.shippingAddress,
    })
    .returning({ id: orders.id });
  // The order, its lines and its first event in one statement (one round trip): the lines and
  // the event take the new order's id from the first insert.
  const orderId = sql`(select id from written)`;
  const [row] = await queryRows<{ id: number }>(
    tx,
    sql`with written as (${written.getSQL()}),
      lines as (${tx.insert(orderItems).values(taken.lines.map((line, i) => ({ orderId, ...line, ...breakdown.lines[i]! }))).getSQL()}),
      event as (${tx.insert(orderEvents).values({ orderId, fromStatus: null, toStatus: 'pending', actorUserId: actor.userId, actorKind: actor.kind }).getSQL()})
      select id from written`,
  );
  const id = Number(row!.id);
  // Last: the coupon's row lock is the one every order using it waits for; held the shortest.
  if (coupon) await redeemCoupon(tx, { coupon, orderId: id, userId: actor.userId });
  await takeStock(deps, tx, { lines: taken.lines, unavailable });
  return id;
}

/**
 * One line per product and variant, in a fixed order: lines that repeat one another mean the
 * same order, and a retry that lists them otherwise is the same request.
 */
function normalizeItems(items: readonly OrderLineInput[]): OrderLineInput[] {
  const merged = new Map<string, OrderLineInput>();
  for (const item of items) {
    const key = `${item.productId}:${item.variantId ?? ''}`;
    const quantity = (merged.get(key)?.quantity ?? 0) + item.quantity;
    merged.set(key, { ...item, quantity });
  }
  return [...merged.values()].sort((a, b) => a.productId - b.productId || (a.variantId ?? 0) - (b.variantId ?? 0));
}

/** POST /api/orders: the server prices every line; repeated lines are merged. */
export async function placeOrder(deps: Deps, viewer: Viewer, input: PlaceOrderInput): Promise<OrderDetailDto> {
  const actor = actorFor(viewer);
  const normalized = { ...input, items: normalizeItems(input.items) };
  return submitOrder(deps, {
    actor,
    endpoint: 'orders',
    input: normalized,
    write: async (tx) =>
      writeOrder(deps, tx, {
        actor,
        lines: normalized.items,
        shippingAddress: await destinationOf(tx, actor.userId, input),
        couponCode: input.couponCode,
        shippingMethodId: input.shippingMethodId,
        unavailable: notForSale('items: '),
      }),
  });
}

import { orderEvents, orderItems, orders, type ShippingAddress, type Transaction } from '@commerce/db';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import type { Viewer } from '../viewer';
import { actorFor, type UserActor } from './actor';
import {
  canonicalAddress,
  claimIdempotencyKey,
  parseIdempotencyKey,
  recordIdempotentOrder,
  requestHash,
} from './idempotency';
import { loadOrder } from './read';
import type { OrderDetailDto, OrderLineInput, PlaceOrderInput } from './schemas';
import { mergeLines, refreshCatalogAfterStockChange, takeStock, type UnavailableAs } from './stock';

export interface WrittenOrder {
  orderId: number;
  /** Some product's stock reached zero. */
  emptied: boolean;
  /** An idempotent retry answered with the order an earlier request made. */
  replayed?: boolean;
}

export interface OrderSubmission {
  actor: UserActor;
  /** Raw key from the header or the input field; validated here. */
  idempotencyKey: string | undefined;
  /** The request in canonical form (endpoint included): what a retry must repeat exactly. */
  canonicalRequest: unknown;
  write(tx: Transaction): Promise<WrittenOrder>;
}

/**
 * The one way an order comes to be (POST /orders and checkout): claim the idempotency key,
 * write the order, remember it under the key, all in one transaction; a retry of a committed
 * request answers the order it made.
 */
export async function submitOrder(deps: Deps, submission: OrderSubmission): Promise<OrderDetailDto> {
  const key = parseIdempotencyKey(submission.idempotencyKey);
  const userId = submission.actor.userId;
  const written = await deps.db.transaction(async (tx): Promise<WrittenOrder> => {
    if (key) {
      const hash = requestHash(submission.canonicalRequest);
      const replay = await claimIdempotencyKey(tx, deps.clock.now(), userId, key, hash);
      if (replay) return { orderId: replay.replayOrderId, emptied: false, replayed: true };
    }
    const result = await submission.write(tx);
    if (key) await recordIdempotentOrder(tx, userId, key, result.orderId);
    return result;
  });
  if (written.emptied) await refreshCatalogAfterStockChange(deps);
  if (!written.replayed) deps.observer?.orderCreated();
  const order = await loadOrder(deps.db, written.orderId);
  if (!order) throw notFound('Order');
  return order;
}

/** Takes the stock and writes a pending order with its lines and first event. */
export async function writeOrder(
  tx: Transaction,
  deps: Deps,
  actor: UserActor,
  lines: readonly OrderLineInput[],
  shippingAddress: ShippingAddress | null,
  unavailableAs: UnavailableAs,
): Promise<WrittenOrder> {
  const taken = await takeStock(tx, lines, unavailableAs);
  const [order] = await tx
    .insert(orders)
    .values({
      userId: actor.userId,
      status: 'pending',
      totalCents: taken.totalCents,
      currency: deps.settings.currency,
      shippingAddress,
    })
    .returning({ id: orders.id });
  const orderId = order!.id;
  await tx.insert(orderItems).values(taken.lines.map((line) => ({ orderId, ...line })));
  await tx
    .insert(orderEvents)
    .values({ orderId, fromStatus: null, toStatus: 'pending', actorUserId: actor.userId, actorKind: actor.kind });
  return { orderId, emptied: taken.emptied };
}

/** POST /api/orders: the server prices every line; duplicate product lines are merged. */
export async function placeOrder(deps: Deps, viewer: Viewer, input: PlaceOrderInput): Promise<OrderDetailDto> {
  const actor = actorFor(viewer);
  const lines = mergeLines(input.items);
  const shippingAddress = input.shippingAddress ?? null;
  return submitOrder(deps, {
    actor,
    idempotencyKey: input.idempotencyKey,
    canonicalRequest: { endpoint: 'orders', items: lines, shippingAddress: canonicalAddress(shippingAddress) },
    write: (tx) => writeOrder(tx, deps, actor, lines, shippingAddress, 'BAD_REQUEST'),
  });
}

import { orderEvents, orderItems, orders, qualified, type Database, type OrderStatus, type Transaction } from '@commerce/db';
import { and, asc, desc, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { groupBy } from '../group-by';
import { offsetOf, pageOf, type Page } from '../pagination';
import { isStaff, type Viewer } from '../viewer';
import type { ActorKind } from '../audit/schemas';
import type { ListMyOrdersInput, ListOrdersInput, OrderDetailDto, OrderDto } from './schemas';

type Db = Database | Transaction;
type OrderRow = typeof orders.$inferSelect;
const itemColumns = {
  orderId: orderItems.orderId,
  productId: orderItems.productId,
  variantId: orderItems.variantId,
  name: orderItems.name,
  variantTitle: orderItems.variantTitle,
  sku: orderItems.sku,
  quantity: orderItems.quantity,
  unitPriceCents: orderItems.unitPriceCents,
  lineTotalCents: orderItems.lineTotalCents,
  discountCents: orderItems.discountCents,
  taxCents: orderItems.taxCents,
};

type ItemRow = { [K in keyof typeof itemColumns]: (typeof orderItems.$inferSelect)[K] };

function toOrderDto(row: OrderRow, items: ItemRow[]): OrderDto {
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    items: items.map(({ orderId: _orderId, ...item }) => item),
    subtotalCents: row.subtotalCents,
    discountCents: row.discountCents,
    shippingCents: row.shippingCents,
    taxCents: row.taxCents,
    totalCents: row.totalCents,
    couponCode: row.couponCode,
    shippingMethod: row.shippingMethod ?? null,
    currency: row.currency,
    shippingAddress: row.shippingAddress ?? null,
    shipment: row.shipment ?? null,
    attention: row.attention,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type EventJson = { fromStatus: OrderStatus | null; toStatus: OrderStatus; actorUserId: number | null; actorKind: ActorKind; note: string | null; createdAt: string };

/**
 * An order with its lines and timeline, or null. One statement (the lines and events as JSON
 * beside the order's row): every order placed is read back, and each query is a round trip
 * and a pool connection.
 */
export async function loadOrder(db: Db, id: number): Promise<OrderDetailDto | null> {
  const i = (column: AnyColumn) => qualified('i', column);
  const e = (column: AnyColumn) => qualified('e', column);
  const [row] = await db
    .select({
      order: orders,
      items: sql<Omit<ItemRow, 'orderId'>[]>`coalesce((
        select json_agg(json_build_object(
          'productId', ${i(orderItems.productId)}, 'variantId', ${i(orderItems.variantId)}, 'name', ${i(orderItems.name)},
          'variantTitle', ${i(orderItems.variantTitle)}, 'sku', ${i(orderItems.sku)}, 'quantity', ${i(orderItems.quantity)},
          'unitPriceCents', ${i(orderItems.unitPriceCents)}, 'lineTotalCents', ${i(orderItems.lineTotalCents)},
          'discountCents', ${i(orderItems.discountCents)}, 'taxCents', ${i(orderItems.taxCents)}
        ) order by ${i(orderItems.id)}) from ${orderItems} i where ${i(orderItems.orderId)} = ${id}), '[]')`,
      events: sql<EventJson[]>`coalesce((
        select json_agg(json_build_object(
          'fromStatus', ${e(orderEvents.fromStatus)}, 'toStatus', ${e(orderEvents.toStatus)}, 'actorUserId', ${e(orderEvents.actorUserId)},
          'actorKind', ${e(orderEvents.actorKind)}, 'note', ${e(orderEvents.note)}, 'createdAt', ${e(orderEvents.createdAt)}
        ) order by ${e(orderEvents.createdAt)}, ${e(orderEvents.id)}) from ${orderEvents} e where ${e(orderEvents.orderId)} = ${id}), '[]')`,
    })
    .from(orders)
    .where(eq(orders.id, id));
  if (!row) return null;
  return {
    ...toOrderDto(row.order, row.items.map((item) => ({ ...item, orderId: id }))),
    events: row.events.map((e) => ({ ...e, createdAt: new Date(e.createdAt).toISOString() })),
  };
}

/**
 * The order as the viewer may see it: a customer's timeline keeps every status change and its
 * time, but staff notes and who on the staff made a change are internal.
 */
export function orderSeenBy(viewer: Viewer, order: OrderDetailDto): OrderDetailDto {
  if (isStaff(viewer)) return order;
  const events = order.events.map((e) => (e.actorKind === 'customer' ? e : { ...e, actorUserId: null, note: null }));
  return { ...order, events };
}

/** Owner, staff and admin see an order; to anyone else it does not exist (404, never 403). */
export async function getOrder(deps: Deps, viewer: Viewer, id: number): Promise<OrderDetailDto> {
  const order = await loadOrder(deps.db, id);
  if (!order || !viewer || (!isStaff(viewer) && order.userId !== viewer.userId)) throw notFound('Order');
  return orderSeenBy(viewer, order);
}

async function pageOfOrders(db: Database, where: SQL | undefined, page: number, limit: number): Promise<Page<OrderDto>> {
  // Newest first, matching the (…, created_at desc, id desc) indexes of the orders table.
  const [rows, [count]] = await Promise.all([
    db
      .select()
      .from(orders)
      .where(where)
      .orderBy(desc(orders.createdAt), desc(orders.id))
      .limit(limit)
      .offset(offsetOf(page, limit)),
    db.select({ total: sql<number>`count(*)::int` }).from(orders).where(where),
  ]);
  const items = rows.length
    ? await db
        .select(itemColumns)
        .from(orderItems)
        .where(inArray(orderItems.orderId, rows.map((r) => r.id)))
        .orderBy(asc(orderItems.id))
    : [];
  const itemsOf = groupBy(items, (item) => item.orderId);
  const dtos = rows.map((row) => toOrderDto(row, itemsOf.get(row.id) ?? []));
  return pageOf(dtos, page, limit, Number(count?.total ?? 0));
}

export async function listMyOrders(deps: Deps, viewer: Viewer, input: ListMyOrdersInput): Promise<Page<OrderDto>> {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  const conditions = [eq(orders.userId, viewer.userId)];
  if (input.status) conditions.push(eq(orders.status, input.status));
  return pageOfOrders(deps.db, and(...conditions), input.page, input.limit);
}

export async function listOrders(deps: Deps, viewer: Viewer, input: ListOrdersInput): Promise<Page<OrderDto>> {
  if (!isStaff(viewer)) throw new AppError('FORBIDDEN', 'Staff or admin role required');
  const conditions: SQL[] = [];
  if (input.userId !== undefined) conditions.push(eq(orders.userId, input.userId));
  if (input.status) conditions.push(eq(orders.status, input.status));
  return pageOfOrders(deps.db, conditions.length ? and(...conditions) : undefined, input.page, input.limit);
}

import { orderItems, orders, users } from '@commerce/db';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { staffOrderFilter } from './orders';
import type { StaffOrderFilter } from './schemas';

export const orderCsvColumns = [
  'order_id',
  'created_at',
  'status',
  'customer_email',
  'customer_name',
  'units',
  'subtotal_cents',
  'discount_cents',
  'shipping_cents',
  'tax_cents',
  'total_cents',
  'currency',
  'coupon_code',
  'ship_to_country',
] as const;

const EXPORT_BATCH = 1000;
const outerOrder = sql.raw('"orders"."id"');

/** The orders export for the staff list's filter, newest first, in keyset batches of 1000 (memory stays flat). */
export async function* orderCsvRows(deps: Deps, filter: StaffOrderFilter): AsyncGenerator<string[][]> {
  const where = staffOrderFilter(deps, filter);
  let before: number | undefined;
  for (;;) {
    const rows = await deps.db
      .select({
        id: orders.id,
        createdAt: orders.createdAt,
        status: orders.status,
        email: users.email,
        name: users.name,
        units: sql<number>`(select coalesce(sum(${orderItems.quantity}), 0) from ${orderItems} where ${orderItems.orderId} = ${outerOrder})::int`,
        subtotalCents: orders.subtotalCents,
        discountCents: orders.discountCents,
        shippingCents: orders.shippingCents,
        taxCents: orders.taxCents,
        totalCents: orders.totalCents,
        currency: orders.currency,
        couponCode: orders.couponCode,
        country: sql<string | null>`${orders.shippingAddress}->>'country'`,
      })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(and(where, before === undefined ? undefined : lt(orders.id, before)))
      .orderBy(desc(orders.id))
      .limit(EXPORT_BATCH);
    if (rows.length === 0) return;
    yield rows.map((r) => [
      String(r.id),
      r.createdAt.toISOString(),
      r.status,
      r.email,
      r.name ?? '',
      String(r.units),
      String(r.subtotalCents),
      String(r.discountCents),
      String(r.shippingCents),
      String(r.taxCents),
      String(r.totalCents),
      r.currency,
      r.couponCode ?? '',
      r.country ?? '',
    ]);
    before = rows[rows.length - 1]!.id;
    if (rows.length < EXPORT_BATCH) return;
  }
}

import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { orders } from './orders';
import { users } from './users';

export const couponKinds = ['percent', 'fixed'] as const;
export type CouponKind = (typeof couponKinds)[number];

/**
 * A promotion code. `code` is kept in upper case, so codes are unique whatever case they are
 * typed in. `timesUsed` counts live redemptions; the conditional update that raises it is what
 * holds `usageLimit` under any concurrency (core/pricing/coupons.ts).
 */
export const coupons = pgTable(
  'coupons',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull(),
    kind: text('kind').$type<CouponKind>().notNull(),
    // Percent: 1–100; fixed: minor units.
    value: integer('value').notNull(),
    minSubtotalCents: integer('min_subtotal_cents'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    usageLimit: integer('usage_limit'),
    perCustomerLimit: integer('per_customer_limit'),
    // Empty: every product qualifies; otherwise a line qualifies by its product or its category.
    productIds: integer('product_ids').array().notNull().default(sql`'{}'::integer[]`),
    categoryIds: integer('category_ids').array().notNull().default(sql`'{}'::integer[]`),
    isActive: boolean('is_active').notNull().default(true),
    timesUsed: integer('times_used').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('coupons_code_unique').on(t.code),
    check('coupons_kind', sql`${t.kind} in ('percent', 'fixed')`),
    check('coupons_value_range', sql`${t.value} > 0 and (${t.kind} <> 'percent' or ${t.value} <= 100)`),
    check('coupons_times_used_range', sql`${t.timesUsed} >= 0 and (${t.usageLimit} is null or ${t.timesUsed} <= ${t.usageLimit})`),
  ],
);

/** One use of a coupon by one order; deleted (and the coupon's count lowered) when the unpaid order is cancelled. */
export const couponRedemptions = pgTable(
  'coupon_redemptions',
  {
    id: serial('id').primaryKey(),
    couponId: integer('coupon_id')
      .notNull()
      .references(() => coupons.id, { onDelete: 'cascade' }),
    orderId: integer('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('coupon_redemptions_order_unique').on(t.orderId), index('coupon_redemptions_coupon_user_idx').on(t.couponId, t.userId)],
);

/** A way to ship to some countries (ISO 3166-1 alpha-2), free when what is bought reaches `freeOverCents`. */
export const shippingMethods = pgTable(
  'shipping_methods',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    freeOverCents: integer('free_over_cents'),
    countries: text('countries').array().notNull(),
    minDays: integer('min_days').notNull(),
    maxDays: integer('max_days').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('shipping_methods_price_nonnegative', sql`${t.priceCents} >= 0 and (${t.freeOverCents} is null or ${t.freeOverCents} >= 0)`),
    check('shipping_methods_days', sql`${t.minDays} >= 0 and ${t.maxDays} >= ${t.minDays}`),
    index('shipping_methods_countries_idx').using('gin', t.countries),
  ],
);

/**
 * A tax rate for a country, or for one region of it (which wins over the country's). The rate
 * is kept in thousandths of a percent (8.875 % is 8875) so tax is computed in integers.
 */
export const taxRates = pgTable(
  'tax_rates',
  {
    id: serial('id').primaryKey(),
    country: text('country').notNull(),
    // Upper case; null: the whole country.
    region: text('region'),
    rateMillipercent: integer('rate_millipercent').notNull(),
    includesShipping: boolean('includes_shipping').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tax_rates_place_unique').on(t.country, sql`coalesce(${t.region}, '')`),
    check('tax_rates_rate_range', sql`${t.rateMillipercent} between 0 and 100000`),
  ],
);

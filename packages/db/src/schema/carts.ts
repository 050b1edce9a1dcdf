import { sql } from 'drizzle-orm';
import { check, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { products, productVariants } from './catalog';
import type { ShippingAddress } from './orders';
import { shippingMethods } from './pricing';
import { users } from './users';

/** One persistent cart per user; lines are variants, priced from the catalog when read. */
export const carts = pgTable('carts', {
  id: serial('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .unique('carts_user_unique')
    .references(() => users.id, { onDelete: 'cascade' }),
  // What checkout uses when its body leaves them out (PUT /cart/coupon, PUT /cart/delivery).
  couponCode: text('coupon_code'),
  shippingAddress: jsonb('shipping_address').$type<ShippingAddress>(),
  shippingMethodId: integer('shipping_method_id').references(() => shippingMethods.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const cartItems = pgTable(
  'cart_items',
  {
    cartId: integer('cart_id')
      .notNull()
      .references(() => carts.id, { onDelete: 'cascade' }),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    variantId: integer('variant_id')
      .notNull()
      .references(() => productVariants.id, { onDelete: 'cascade' }),
    quantity: integer('quantity').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.cartId, t.variantId] }),
    check('cart_items_quantity_range', sql`${t.quantity} between 1 and 1000`),
  ],
);

import { sql, type SQL } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
  customType,
  type ExtraConfigColumn,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export interface ProductImage {
  url: string;
  alt: string;
}

export const categories = pgTable(
  'categories',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => categories.id, { onDelete: 'restrict' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('categories_slug_unique').on(t.slug), index('categories_parent_idx').on(t.parentId)],
);

// The list queries (packages/core/src/catalog/products.ts) filter on these predicates, written
// out as literals, so the planner can use the partial indexes below; the plan test there
// fails on any sequential scan at 100 000 products.
// Rows the public may see (anonymous callers, customers, staff asking for active=true).
const publicRow = sql`is_active and archived_at is null`;
// Rows staff list by default.
const liveRow = sql`archived_at is null`;

const newest = (column: ExtraConfigColumn) => column.desc().nullsFirst();

export const products = pgTable(
  'products',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    sku: text('sku'),
    images: jsonb('images').$type<ProductImage[]>().notNull().default([]),
    lowStockThreshold: integer('low_stock_threshold'),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', ${products.name}), 'A') || setweight(to_tsvector('english', ${products.description}), 'B')`,
      ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('products_price_nonnegative', sql`${t.priceCents} >= 0`),
    check('products_stock_nonnegative', sql`${t.stock} >= 0`),
    check('products_low_stock_threshold_nonnegative', sql`${t.lowStockThreshold} >= 0`),
    uniqueIndex('products_slug_unique').on(t.slug),
    uniqueIndex('products_sku_unique').on(t.sku),
    index('products_search_idx').using('gin', t.search),
    // One index per sort order and audience. `desc().nullsFirst()` is what ORDER BY ... DESC
    // means; the NULLS LAST that drizzle writes by default would not match it. Trailing
    // columns (stock, price) let counts filter inside the index (index-only scans).
    index('products_public_created_idx').on(newest(t.createdAt), newest(t.id)).where(publicRow),
    index('products_public_price_idx').on(t.priceCents, t.id, t.stock).where(publicRow),
    index('products_public_name_idx').on(t.name, t.id).where(publicRow),
    index('products_public_category_created_idx')
      .on(t.categoryId, newest(t.createdAt), newest(t.id))
      .where(publicRow),
    index('products_public_category_price_idx').on(t.categoryId, t.priceCents, t.id, t.stock).where(publicRow),
    index('products_created_idx').on(newest(t.createdAt), newest(t.id)).where(liveRow),
    index('products_price_idx').on(t.priceCents, t.id, t.stock).where(liveRow),
    index('products_name_idx').on(t.name, t.id).where(liveRow),
    // Not partial: it also serves the foreign key from categories (archived products count).
    index('products_category_idx').on(t.categoryId, t.priceCents, t.id, t.stock, t.archivedAt),
    // Staff's active=false lists: few rows, every filter column inside.
    index('products_inactive_idx')
      .on(newest(t.createdAt), newest(t.id), t.priceCents, t.stock, t.categoryId)
      .where(sql`not is_active and archived_at is null`),
    index('products_low_stock_idx').on(t.stock, t.id, t.lowStockThreshold).where(liveRow),
    index('products_low_stock_threshold_idx')
      .on(t.lowStockThreshold)
      .where(sql`archived_at is null and low_stock_threshold is not null`),
  ],
);

// TEMPORARY (media branch): stand-ins for the lead's variants model until it lands on main.
export const productVariants = pgTable('product_variants', {
  id: serial('id').primaryKey(),
  productId: integer('product_id')
    .notNull()
    .references(() => products.id, { onDelete: 'cascade' }),
});

export const productImages = pgTable(
  'product_images',
  {
    id: serial('id').primaryKey(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    variantId: integer('variant_id').references(() => productVariants.id, { onDelete: 'set null' }),
    storageKey: text('storage_key'),
    url: text('url'),
    alt: text('alt').notNull().default(''),
    width: integer('width'),
    height: integer('height'),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('product_images_product_idx').on(t.productId, t.position)],
);

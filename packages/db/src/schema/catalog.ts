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

/** A product option and the values its variants choose from, e.g. Size: S, M, L. */
export interface ProductOption {
  name: string;
  values: string[];
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
    // Kept equal to the lowest price and the total stock of the product's active variants by
    // every write that changes them (core/catalog/variants.ts), so that product lists filter and
    // sort on one row, from the indexes below.
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull().default(0),
    /**
     * What the indexes know of the stock. Every order changes `stock`, which is therefore in no
     * index: only an update that leaves every indexed value as it was stays on its page (a HOT
     * update, no index entry written), which keeps a product everybody buys at once from
     * queueing on a dozen index writes per order. This flag changes only when the stock
     * reaches or leaves zero.
     */
    inStock: boolean('in_stock')
      .notNull()
      .generatedAlwaysAs((): SQL => sql`${products.stock} > 0`),
    isActive: boolean('is_active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    categoryId: integer('category_id').references(() => categories.id, { onDelete: 'restrict' }),
    options: jsonb('options').$type<ProductOption[]>().notNull().default([]),
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
    uniqueIndex('products_slug_unique').on(t.slug),
    index('products_search_idx').using('gin', t.search),
    // One index per sort order and audience. `desc().nullsFirst()` is what ORDER BY ... DESC
    // means; the NULLS LAST that drizzle writes by default would not match it. Trailing
    // columns (in stock, price) let counts filter inside the index (index-only scans).
    index('products_public_created_idx').on(newest(t.createdAt), newest(t.id)).where(publicRow),
    index('products_public_price_idx').on(t.priceCents, t.id, t.inStock).where(publicRow),
    index('products_public_name_idx').on(t.name, t.id).where(publicRow),
    index('products_public_category_created_idx')
      .on(t.categoryId, newest(t.createdAt), newest(t.id))
      .where(publicRow),
    index('products_public_category_price_idx').on(t.categoryId, t.priceCents, t.id, t.inStock).where(publicRow),
    index('products_created_idx').on(newest(t.createdAt), newest(t.id)).where(liveRow),
    index('products_price_idx').on(t.priceCents, t.id, t.inStock).where(liveRow),
    index('products_name_idx').on(t.name, t.id).where(liveRow),
    // Not partial: it also serves the foreign key from categories (archived products count).
    index('products_category_idx').on(t.categoryId, t.priceCents, t.id, t.inStock, t.archivedAt),
    // Staff's active=false lists: few rows, every filter column inside.
    index('products_inactive_idx')
      .on(newest(t.createdAt), newest(t.id), t.priceCents, t.inStock, t.categoryId)
      .where(sql`not is_active and archived_at is null`),
  ],
);

/** What is sold and stocked: every product has one or more. */
export const productVariants = pgTable(
  'product_variants',
  {
    id: serial('id').primaryKey(),
    productId: integer('product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    sku: text('sku'),
    title: text('title').notNull(),
    /** Option name to value, e.g. {"Size":"M","Color":"Red"}; {} for a product without options. */
    optionValues: jsonb('option_values').$type<Record<string, string>>().notNull().default({}),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull().default(0),
    isActive: boolean('is_active').notNull().default(true),
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    /** Stock at or below this shows on the low-stock list; null uses the store-wide default. */
    lowStockThreshold: integer('low_stock_threshold'),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('product_variants_price_nonnegative', sql`${t.priceCents} >= 0`),
    check('product_variants_stock_nonnegative', sql`${t.stock} >= 0`),
    check('product_variants_low_stock_threshold_nonnegative', sql`${t.lowStockThreshold} >= 0`),
    // Live SKUs are unique whatever their case, and found by exact match in any case (search `q`);
    // an archived variant's SKU may be used again.
    uniqueIndex('product_variants_sku_unique').on(sql`lower(${t.sku})`).where(sql`archived_at is null`),
    // No two live variants of a product share a combination of option values.
    uniqueIndex('product_variants_combination_unique').on(t.productId, t.optionValues).where(sql`archived_at is null`),
    index('product_variants_product_idx').on(t.productId, t.position, t.id),
    index('product_variants_low_stock_idx').on(t.stock, t.id, t.lowStockThreshold).where(sql`archived_at is null`),
    index('product_variants_low_stock_threshold_idx')
      .on(t.lowStockThreshold)
      .where(sql`archived_at is null and low_stock_threshold is not null`),
  ],
);

/**
 * A product's pictures, in display order: uploaded ones (`storageKey`, with their size, served
 * under /media/ with resized renditions) or outside ones given by URL. An image may belong to
 * one variant (e.g. the red one).
 */
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
  (t) => [
    check('product_images_one_source', sql`(${t.storageKey} is null) <> (${t.url} is null)`),
    index('product_images_product_idx').on(t.productId, t.position, t.id),
    index('product_images_variant_idx').on(t.variantId),
  ],
);

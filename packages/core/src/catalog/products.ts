import { categories, products, queryRows, type Database } from '@commerce/db';
import { and, asc, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { isStaff, type Viewer } from '../viewer';
import type { ListProductsInput, ProductDto } from './schemas';

type ProductRow = typeof products.$inferSelect;

export function toProductDto(row: ProductRow, currency: string): ProductDto {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    currency,
    stock: row.stock,
    isActive: row.isActive,
    categoryId: row.categoryId,
    sku: row.sku,
    images: row.images,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Every column but the search vector, which no caller needs to read. */
const productColumns = {
  id: products.id,
  slug: products.slug,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  stock: products.stock,
  isActive: products.isActive,
  archivedAt: products.archivedAt,
  categoryId: products.categoryId,
  sku: products.sku,
  images: products.images,
  lowStockThreshold: products.lowStockThreshold,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

/** The category and all its descendants. */
async function categoryTreeIds(db: Database, rootId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(db, sql`
    with recursive tree(id) as (
      select ${categories.id} from ${categories} where ${categories.id} = ${rootId}
      union all
      select c.id from ${categories} c join tree on c.parent_id = tree.id
    )
    select id from tree`);
  return rows.map((r) => Number(r.id));
}

const sortOrders: Record<ListProductsInput['sort'], SQL[]> = {
  newest: [desc(products.createdAt), desc(products.id)],
  price_asc: [asc(products.priceCents), asc(products.id)],
  price_desc: [desc(products.priceCents), desc(products.id)],
  name: [asc(products.name), asc(products.id)],
};

export async function listProducts(deps: Deps, viewer: Viewer, input: ListProductsInput): Promise<Page<ProductDto>> {
  const { db } = deps;
  const conditions: SQL[] = [isNull(products.archivedAt)];
  if (!isStaff(viewer)) conditions.push(eq(products.isActive, true));
  else if (input.active !== undefined) conditions.push(eq(products.isActive, input.active));
  if (input.categoryId !== undefined) {
    conditions.push(inArray(products.categoryId, await categoryTreeIds(db, input.categoryId)));
  }
  if (input.minPriceCents !== undefined) conditions.push(gte(products.priceCents, input.minPriceCents));
  if (input.maxPriceCents !== undefined) conditions.push(lte(products.priceCents, input.maxPriceCents));
  if (input.inStock === true) conditions.push(sql`${products.stock} > 0`);
  if (input.inStock === false) conditions.push(eq(products.stock, 0));
  if (input.q) conditions.push(sql`${products.search} @@ websearch_to_tsquery('english', ${input.q})`);
  const where = and(...conditions);

  const [rows, [count]] = await Promise.all([
    db
      .select(productColumns)
      .from(products)
      .where(where)
      .orderBy(...sortOrders[input.sort])
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    db.select({ total: sql<number>`count(*)::int` }).from(products).where(where),
  ]);
  const currency = deps.settings.currency;
  return pageOf(
    rows.map((row) => toProductDto(row as ProductRow, currency)),
    input.page,
    input.limit,
    Number(count?.total ?? 0),
  );
}

/** A product by id. The public sees it only while it is active and not archived. */
export async function getProduct(deps: Deps, viewer: Viewer, id: number): Promise<ProductDto> {
  const [row] = await deps.db.select(productColumns).from(products).where(eq(products.id, id)).limit(1);
  if (!row || (!isStaff(viewer) && (!row.isActive || row.archivedAt))) throw notFound('Product');
  return toProductDto(row as ProductRow, deps.settings.currency);
}

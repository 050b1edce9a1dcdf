import { products } from '@commerce/db';
import { and, asc, desc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, isUniqueViolation, notFound, pgErrorCode, PG_FOREIGN_KEY_VIOLATION } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { isStaff, type Viewer } from '../viewer';
import { categoryTreeIds } from './categories';
import type { CreateProductInput, ListProductsInput, ProductDto, UpdateProductInput } from './schemas';
import { withUniqueSlug } from './slugs';
import { bumpCatalogVersion } from './version';

export type ProductRow = Omit<typeof products.$inferSelect, 'search'>;

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
export const productColumns = {
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

// The audience filters are written as literals, never as bound parameters, so that the
// planner can prove the partial indexes' predicates (see schema/catalog.ts) from them.
const publicRow = sql`${products.isActive} and ${products.archivedAt} is null`;
const staffRow = sql`${products.archivedAt} is null`;
const inactiveRow = sql`not ${products.isActive} and ${products.archivedAt} is null`;

const sortOrders: Record<ListProductsInput['sort'], SQL[]> = {
  newest: [desc(products.createdAt), desc(products.id)],
  price_asc: [asc(products.priceCents), asc(products.id)],
  price_desc: [desc(products.priceCents), desc(products.id)],
  name: [asc(products.name), asc(products.id)],
};

async function listConditions(deps: Deps, viewer: Viewer, input: ListProductsInput): Promise<SQL[]> {
  const conditions: SQL[] = [];
  if (!isStaff(viewer) || input.active === true) conditions.push(publicRow);
  else conditions.push(input.active === false ? inactiveRow : staffRow);
  if (input.categoryId !== undefined) {
    // Resolved to ids first: the planner estimates a literal list well, a recursive subquery not.
    conditions.push(inArray(products.categoryId, await categoryTreeIds(deps.db, input.categoryId)));
  }
  if (input.minPriceCents !== undefined) conditions.push(gte(products.priceCents, input.minPriceCents));
  if (input.maxPriceCents !== undefined) conditions.push(lte(products.priceCents, input.maxPriceCents));
  if (input.inStock === true) conditions.push(sql`${products.stock} > 0`);
  if (input.inStock === false) conditions.push(sql`${products.stock} = 0`);
  if (input.q) conditions.push(sql`${products.search} @@ websearch_to_tsquery('english', ${input.q})`);
  return conditions;
}

/**
 * The two queries behind a product list page, unexecuted: `listProducts` runs them, and the
 * plan test EXPLAINs exactly these (`.toSQL()`), so an index it relies on cannot go missing.
 */
export async function productListQueries(deps: Deps, viewer: Viewer, input: ListProductsInput) {
  const where = and(...(await listConditions(deps, viewer, input)));
  return {
    page: deps.db
      .select(productColumns)
      .from(products)
      .where(where)
      .orderBy(...sortOrders[input.sort])
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    count: deps.db.select({ total: sql<number>`count(*)::int` }).from(products).where(where),
  };
}

export async function listProducts(deps: Deps, viewer: Viewer, input: ListProductsInput): Promise<Page<ProductDto>> {
  const queries = await productListQueries(deps, viewer, input);
  const [rows, [count]] = await Promise.all([queries.page, queries.count]);
  const currency = deps.settings.currency;
  return pageOf(
    rows.map((row) => toProductDto(row, currency)),
    input.page,
    input.limit,
    Number(count?.total ?? 0),
  );
}

async function findProduct(deps: Deps, id: number): Promise<ProductRow | undefined> {
  const [row] = await deps.db.select(productColumns).from(products).where(eq(products.id, id)).limit(1);
  return row;
}

/** A product by id. The public sees it only while it is active and not archived; staff see every one. */
export async function getProduct(deps: Deps, viewer: Viewer, id: number): Promise<ProductDto> {
  const row = await findProduct(deps, id);
  if (!row || (!isStaff(viewer) && (!row.isActive || row.archivedAt))) throw notFound('Product');
  return toProductDto(row, deps.settings.currency);
}

const productSlug = { table: products, slug: products.slug, id: products.id, constraint: 'products_slug_unique' };

/** Turns the constraint errors a caller can cause into 4xx; anything else (a slug race) passes through. */
function productWriteError(error: unknown): never {
  if (isUniqueViolation(error, 'products_sku_unique')) {
    throw new AppError('SKU_TAKEN', 'Another product already has this sku', { field: 'sku' });
  }
  if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
    throw new AppError('BAD_REQUEST', 'categoryId names no category', { field: 'categoryId' });
  }
  throw error;
}

export async function createProduct(deps: Deps, input: CreateProductInput): Promise<ProductDto> {
  const row = await withUniqueSlug(deps, productSlug, input.name, 'product', async (slug) => {
    const [created] = await deps.db
      .insert(products)
      .values({ ...input, slug, categoryId: input.categoryId ?? null, sku: input.sku ?? null })
      .returning(productColumns)
      .catch(productWriteError);
    return created!;
  });
  await bumpCatalogVersion(deps);
  return toProductDto(row, deps.settings.currency);
}

export async function updateProduct(deps: Deps, id: number, input: UpdateProductInput): Promise<ProductDto> {
  const current = await findProduct(deps, id);
  if (!current) throw notFound('Product');
  if (Object.values(input).every((v) => v === undefined)) return toProductDto(current, deps.settings.currency);
  const write = async (slug?: string) => {
    const [row] = await deps.db
      .update(products)
      .set({ ...input, ...(slug !== undefined && { slug }), updatedAt: deps.clock.now() })
      .where(eq(products.id, id))
      .returning(productColumns)
      .catch(productWriteError);
    if (!row) throw notFound('Product');
    return row;
  };
  // The slug follows the name, so that it keeps describing the product.
  const row =
    input.name !== undefined && input.name !== current.name
      ? await withUniqueSlug(deps, productSlug, input.name, 'product', write, id)
      : await write();
  await bumpCatalogVersion(deps);
  return toProductDto(row, deps.settings.currency);
}

/** Archives: the row stays for past orders and carts, and leaves every public read. Archiving twice is fine. */
export async function archiveProduct(deps: Deps, id: number): Promise<{ success: true }> {
  const now = deps.clock.now();
  const [row] = await deps.db
    .update(products)
    .set({ archivedAt: sql`coalesce(${products.archivedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
    .where(eq(products.id, id))
    .returning({ id: products.id });
  if (!row) throw notFound('Product');
  await bumpCatalogVersion(deps);
  return { success: true };
}

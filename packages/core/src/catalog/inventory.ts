import { products } from '@commerce/db';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { productColumns, toProductDto, type ProductRow } from './products';
import { MAX_STOCK, type LowStockItemDto, type ProductDto } from './schemas';
import { bumpCatalogVersion } from './version';

async function writeStock(deps: Deps, id: number, stock: SQL | number, guard?: SQL): Promise<ProductRow | undefined> {
  const [row] = await deps.db
    .update(products)
    .set({ stock, updatedAt: deps.clock.now() })
    .where(and(eq(products.id, id), guard))
    .returning(productColumns);
  if (row) await bumpCatalogVersion(deps);
  return row;
}

export async function setStock(deps: Deps, id: number, stock: number): Promise<ProductDto> {
  const row = await writeStock(deps, id, stock);
  if (!row) throw notFound('Product');
  return toProductDto(row, deps.settings.currency);
}

/**
 * Adds `delta` (negative takes away) in one conditional update, so concurrent adjustments
 * never lose one another and stock never goes below 0. Only an addition is held to
 * MAX_STOCK: stock may already be above it (a cancelled order returns its units whatever
 * the stock), and taking some away must still work then.
 */
export async function adjustStock(deps: Deps, id: number, delta: number): Promise<ProductDto> {
  const next = sql`${products.stock} + ${delta}::int`;
  const guard = delta > 0 ? sql`${next} <= ${MAX_STOCK}` : sql`${next} >= 0`;
  const row = await writeStock(deps, id, next, guard);
  if (row) return toProductDto(row, deps.settings.currency);
  const [exists] = await deps.db.select({ stock: products.stock }).from(products).where(eq(products.id, id));
  if (!exists) throw notFound('Product');
  throw new AppError(
    delta > 0 ? 'STOCK_LIMIT' : 'INSUFFICIENT_STOCK',
    delta > 0
      ? `Stock cannot exceed ${MAX_STOCK}: ${exists.stock} in stock, cannot add ${delta}`
      : `Not enough stock: ${exists.stock} left, cannot take ${-delta}`,
    { field: 'delta', productId: id },
  );
}

/**
 * Products (archived ones aside) whose stock is at or below their own threshold, else the
 * store-wide one; lowest stock first. The largest threshold in use bounds an index range on
 * stock, so the scan never visits well-stocked products. Unexecuted, for the plan test.
 */
export async function lowStockQueries(deps: Deps, input: { page: number; limit: number }) {
  const fallback = deps.settings.lowStockThreshold;
  const [max] = await deps.db
    .select({ value: sql<number | null>`max(${products.lowStockThreshold})` })
    .from(products)
    .where(sql`${products.archivedAt} is null`);
  const bound = Math.max(fallback, Number(max?.value ?? 0));
  const effective = sql<number>`coalesce(${products.lowStockThreshold}, ${fallback}::int)`;
  const where = sql`${products.archivedAt} is null and ${products.stock} <= ${bound}::int and ${products.stock} <= ${effective}`;
  return {
    page: deps.db
      .select({ ...productColumns, effectiveThreshold: effective })
      .from(products)
      .where(where)
      .orderBy(asc(products.stock), asc(products.id))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    count: deps.db.select({ total: sql<number>`count(*)::int` }).from(products).where(where),
  };
}

export async function listLowStock(
  deps: Deps,
  input: { page: number; limit: number },
): Promise<Page<LowStockItemDto>> {
  const queries = await lowStockQueries(deps, input);
  const [rows, [count]] = await Promise.all([queries.page, queries.count]);
  const currency = deps.settings.currency;
  return pageOf(
    rows.map((row) => ({
      ...toProductDto(row, currency),
      lowStockThreshold: row.lowStockThreshold,
      effectiveThreshold: Number(row.effectiveThreshold),
    })),
    input.page,
    input.limit,
    Number(count?.total ?? 0),
  );
}

import { products, productVariants, type Transaction } from '@commerce/db';
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { emit } from '../outbox';
import { transaction } from '../transaction';
import { asStaff, getProduct } from './products';
import { MAX_STOCK, type LowStockItemDto, type ProductDto, type StockFigure, type VariantDto } from './schemas';
import { syncProduct, variantColumns, variantDto, type VariantRow } from './variants';
import { publishStock } from '../live';
import { catalogChanged } from './version';

/**
 * Emits `inventory.low_stock` when a variant's stock crosses its threshold (its own, else the
 * store's) going down: staff hear of it once per crossing, not at every sale below it.
 */
export async function tellOfLowStock(
  deps: Deps,
  tx: Transaction,
  change: { productId: number; variantId: number; before: number; after: number; threshold: number | null },
): Promise<void> {
  const threshold = change.threshold ?? deps.settings.lowStockThreshold;
  if (change.after <= threshold && change.before > threshold) {
    await emit(deps, tx, 'inventory.low_stock', { productId: change.productId, variantId: change.variantId, stock: change.after, threshold });
  }
}

/** Writes a live variant's stock (a value, or an expression of it) when `guard` holds; undefined otherwise. */
async function writeStock(
  deps: Deps,
  tx: Transaction,
  { actor, variantId, stock, guard }: { actor: Actor; variantId: number; stock: SQL | number; guard?: SQL },
): Promise<VariantRow | undefined> {
  // The stock before, under the row lock the update takes anyway: a staff change that takes a
  // variant to its threshold tells of it as a sale does.
  const [before] = await tx.select({ stock: productVariants.stock }).from(productVariants).where(eq(productVariants.id, variantId)).for('update');
  const [row] = await tx
    .update(productVariants)
    .set({ stock, updatedAt: deps.clock.now() })
    .where(and(eq(productVariants.id, variantId), isNull(productVariants.archivedAt), guard))
    .returning(variantColumns);
  if (row) {
    if (before) await tellOfLowStock(deps, tx, { productId: row.productId, variantId, before: before.stock, after: row.stock, threshold: row.lowStockThreshold });
    await recordChange(deps, tx, { actor, entity: 'variant', id: variantId, action: 'update', before: before ?? null, after: { stock: row.stock } });
    await syncProduct(tx, row.productId);
    catalogChanged(deps, tx);
    await publishStock(deps, tx, { productId: row.productId, variantId, stock: row.stock, live: row.isActive });
  }
  return row;
}

/** PUT /api/variants/{id}/stock. */
export async function setVariantStock(deps: Deps, actor: Actor, { id: variantId, stock }: { id: number; stock: number }): Promise<VariantDto> {
  const row = await transaction(deps, (tx) => writeStock(deps, tx, { actor, variantId, stock }));
  if (!row) throw notFound('Variant');
  return variantDto(deps, row);
}

/**
 * Adds `delta` (negative takes away) in one conditional update, so concurrent adjustments
 * never lose one another and stock never goes below 0. Only an addition is held to
 * MAX_STOCK: stock may already be above it (a cancelled order returns its units whatever
 * the stock), and taking some away must still work then.
 */
export async function adjustVariantStock(deps: Deps, actor: Actor, { id: variantId, delta }: { id: number; delta: number }): Promise<VariantDto> {
  const next = sql`${productVariants.stock} + ${delta}::int`;
  const guard = delta > 0 ? sql`${next} <= ${MAX_STOCK}` : sql`${next} >= 0`;
  const row = await transaction(deps, (tx) => writeStock(deps, tx, { actor, variantId, stock: next, guard }));
  if (row) return variantDto(deps, row);
  const [exists] = await deps.db
    .select({ stock: productVariants.stock, productId: productVariants.productId })
    .from(productVariants)
    .where(and(eq(productVariants.id, variantId), isNull(productVariants.archivedAt)));
  if (!exists) throw notFound('Variant');
  throw new AppError(
    delta > 0 ? 'STOCK_LIMIT' : 'INSUFFICIENT_STOCK',
    delta > 0
      ? `Stock cannot exceed ${MAX_STOCK}: ${exists.stock} in stock, cannot add ${delta}`
      : `Not enough stock: ${exists.stock} left, cannot take ${-delta}`,
    { field: 'delta', productId: exists.productId, variantId },
  );
}

/**
 * The variant the product-level stock routes mean: the product's only live one. A product with
 * several is stocked per variant (400 naming `variantId`).
 */
async function onlyVariantOf(deps: Deps, productId: number): Promise<number> {
  const live = await deps.db
    .select({ id: productVariants.id })
    .from(productVariants)
    .where(and(eq(productVariants.productId, productId), isNull(productVariants.archivedAt)))
    .limit(2);
  if (live.length === 0) throw notFound('Product');
  if (live.length > 1) {
    throw new AppError('VARIANT_REQUIRED', `Product ${productId} has several variants: change stock per variant`, {
      field: 'variantId',
      productId,
    });
  }
  return live[0]!.id;
}

/** PUT /api/products/{id}/stock, for single-variant products. */
export async function setStock(deps: Deps, actor: Actor, { id: productId, stock }: { id: number; stock: number }): Promise<ProductDto> {
  await setVariantStock(deps, actor, { id: await onlyVariantOf(deps, productId), stock });
  return getProduct(deps, asStaff, productId);
}

/** POST /api/products/{id}/stock-adjustments, for single-variant products. */
export async function adjustStock(deps: Deps, actor: Actor, { id: productId, delta }: { id: number; delta: number }): Promise<ProductDto> {
  await adjustVariantStock(deps, actor, { id: await onlyVariantOf(deps, productId), delta });
  return getProduct(deps, asStaff, productId);
}

/**
 * Variants (archived ones and those of archived products aside) whose stock is at or below
 * their own threshold, else the store-wide one; lowest stock first. The largest threshold in
 * use bounds an index range on stock, so the scan never visits well-stocked variants.
 * Unexecuted, for the plan test.
 */
export async function lowStockQueries(deps: Deps, input: { page: number; limit: number }) {
  const fallback = deps.settings.lowStockThreshold;
  const [max] = await deps.db
    .select({ value: sql<number | null>`max(${productVariants.lowStockThreshold})` })
    .from(productVariants)
    .where(sql`${productVariants.archivedAt} is null`);
  const bound = Math.max(fallback, Number(max?.value ?? 0));
  const effective = sql<number>`coalesce(${productVariants.lowStockThreshold}, ${fallback}::int)`;
  const where = sql`${productVariants.archivedAt} is null and ${productVariants.stock} <= ${bound}::int and ${productVariants.stock} <= ${effective} and ${products.archivedAt} is null`;
  return {
    page: deps.db
      .select({
        variantId: productVariants.id,
        productId: productVariants.productId,
        name: products.name,
        title: productVariants.title,
        sku: productVariants.sku,
        stock: productVariants.stock,
        isActive: sql<boolean>`${productVariants.isActive} and ${products.isActive}`,
        lowStockThreshold: productVariants.lowStockThreshold,
        effectiveThreshold: effective,
      })
      .from(productVariants)
      .innerJoin(products, eq(products.id, productVariants.productId))
      .where(where)
      .orderBy(asc(productVariants.stock), asc(productVariants.id))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    count: deps.db
      .select({ total: sql<number>`count(*)::int` })
      .from(productVariants)
      .innerJoin(products, eq(products.id, productVariants.productId))
      .where(where),
  };
}

export async function listLowStock(deps: Deps, input: { page: number; limit: number }): Promise<Page<LowStockItemDto>> {
  const queries = await lowStockQueries(deps, input);
  const [rows, [count]] = await Promise.all([queries.page, queries.count]);
  return pageOf(
    rows.map((row) => ({ ...row, effectiveThreshold: Number(row.effectiveThreshold) })),
    input.page,
    input.limit,
    Number(count?.total ?? 0),
  );
}

/**
 * The stock of every live variant of the listed products that are for sale, where a live stock
 * stream starts. Products not for sale are left out, as in every public read.
 */
export async function stockOf(deps: Pick<Deps, 'db'>, productIds: readonly number[]): Promise<StockFigure[]> {
  if (productIds.length === 0) return [];
  return deps.db
    .select({
      productId: productVariants.productId,
      variantId: productVariants.id,
      stock: productVariants.stock,
      available: sql<boolean>`${productVariants.isActive} and ${productVariants.stock} > 0`,
    })
    .from(productVariants)
    .innerJoin(products, eq(products.id, productVariants.productId))
    .where(
      and(
        inArray(productVariants.productId, [...productIds]),
        isNull(productVariants.archivedAt),
        eq(products.isActive, true),
        isNull(products.archivedAt),
      ),
    )
    .orderBy(asc(productVariants.productId), asc(productVariants.id));
}

import { products, productVariants, queryRows, type Transaction } from '@commerce/db';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { tellOfLowStock } from '../catalog/inventory';
import { catalogChanged } from '../catalog/version';
import { publishStock } from '../live';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { MAX_LINE_QUANTITY, type OrderLineInput } from './schemas';

/** Postgres `integer`: order totals are stored in one. */
const MAX_CENTS = 2_147_483_647;

/** A line once its variant is known. */
export interface VariantLine {
  productId: number;
  variantId: number;
  quantity: number;
}

/** A line with what it is sold as and for, read (without a lock) when its variant was found. */
export interface ResolvedLine extends VariantLine {
  name: string;
  variantTitle: string;
  sku: string | null;
  unitPriceCents: number;
}

export interface PricedLine extends ResolvedLine {
  lineTotalCents: number;
}

/**
 * A line's price changed between reading it and taking its stock (staff edited the variant in
 * that instant): the order would be priced at a price that no longer holds. The order's
 * transaction is run again from the start (see submitOrder); never shown to a caller.
 */
export class PriceChanged extends Error {
  override name = 'PriceChanged';
}

/**
 * How a caller hears about a product or variant that cannot be bought. POST /orders and cart
 * additions answer exactly as for an unknown id (`notForSale`: 400, same message and data, so a
 * customer cannot enumerate inactive or archived products); checkout of a cart line that became
 * unavailable is a conflict with the cart's state (`lineUnavailable`: 409).
 */
export type Unavailable = (line: { productId: number; variantId?: number | undefined }) => AppError;

export const notForSale =
  (prefix = ''): Unavailable =>
  ({ productId }) =>
    new AppError('BAD_REQUEST', `${prefix}productId ${productId} does not exist or is not for sale`, {
      field: 'productId',
      productId,
    });

export const lineUnavailable: Unavailable = ({ productId, variantId }) =>
  new AppError('LINE_UNAVAILABLE', `Product ${productId} is no longer available; remove it from the cart`, {
    productId,
    ...(variantId !== undefined && { variantId }),
  });

/**
 * Finds each line's variant: the one it names, which must be a live variant of its product,
 * or the product's only active one. Lines of one variant are merged; the result is sorted by
 * variant id, the order in which every transaction takes variant rows, so two orders over the
 * same variants cannot deadlock.
 */
export async function resolveLines(
  tx: Transaction,
  { lines, unavailable }: { lines: readonly OrderLineInput[]; unavailable: Unavailable },
): Promise<ResolvedLine[]> {
  const productIds = [...new Set(lines.map((line) => line.productId))];
  const [productRows, variantRows] = await Promise.all([
    tx
      .select({ id: products.id, name: products.name, forSale: sql<boolean>`${products.isActive} and ${products.archivedAt} is null` })
      .from(products)
      .where(inArray(products.id, productIds)),
    tx
      .select({
        id: productVariants.id,
        productId: productVariants.productId,
        isActive: productVariants.isActive,
        title: productVariants.title,
        sku: productVariants.sku,
        priceCents: productVariants.priceCents,
      })
      .from(productVariants)
      .where(and(inArray(productVariants.productId, productIds), isNull(productVariants.archivedAt))),
  ]);
  const merged = new Map<number, ResolvedLine>();
  for (const line of lines) {
    const product = productRows.find((p) => p.id === line.productId);
    if (!product?.forSale) throw unavailable(line);
    const variants = variantRows.filter((v) => v.productId === line.productId);
    let variantId = line.variantId;
    if (variantId === undefined) {
      const active = variants.filter((v) => v.isActive);
      if (active.length > 1) {
        throw new AppError('VARIANT_REQUIRED', `Product ${line.productId} has several variants: name one with variantId`, {
          field: 'variantId',
          productId: line.productId,
        });
      }
      if (!active[0]) throw unavailable(line);
      variantId = active[0].id;
    } else {
      const variant = variants.find((v) => v.id === variantId);
      if (!variant) {
        throw new AppError('VARIANT_MISMATCH', `variantId ${variantId} is not a variant of product ${line.productId}`, {
          field: 'variantId',
          productId: line.productId,
          variantId,
        });
      }
      if (!variant.isActive) throw unavailable(line);
    }
    const variant = variants.find((v) => v.id === variantId)!;
    const quantity = (merged.get(variantId)?.quantity ?? 0) + line.quantity;
    if (quantity > MAX_LINE_QUANTITY) {
      throw new AppError(
        'BAD_REQUEST',
        `items: variant ${variantId} of product ${line.productId} adds up to ${quantity} units; at most ${MAX_LINE_QUANTITY} per variant`,
        { field: 'items', productId: line.productId, variantId },
      );
    }
    merged.set(variantId, {
      productId: line.productId,
      variantId,
      quantity,
      name: product.name,
      variantTitle: variant.title,
      sku: variant.sku,
      unitPriceCents: variant.priceCents,
    });
  }
  return [...merged.values()].sort((a, b) => a.variantId - b.variantId);
}

/**
 * Prices the lines from what resolveLines read. Throws ORDER_TOO_LARGE at the first line that
 * takes the total past what an order can hold, after taking the stock of the lines up to it
 * (so that a line out of stock before it answers as it always did).
 */
export async function priceLines(
  deps: Deps,
  tx: Transaction,
  { lines, unavailable }: { lines: readonly ResolvedLine[]; unavailable: Unavailable },
): Promise<{ lines: PricedLine[]; totalCents: number }> {
  const priced: PricedLine[] = [];
  let totalCents = 0;
  for (const line of [...lines].sort((a, b) => a.variantId - b.variantId)) {
    const lineTotalCents = line.unitPriceCents * line.quantity;
    totalCents += lineTotalCents;
    priced.push({ ...line, lineTotalCents });
    if (totalCents > MAX_CENTS) {
      await takeStock(deps, tx, { lines: priced, unavailable });
      throw new AppError('ORDER_TOO_LARGE', 'items: the order total is too large; split it into smaller orders', {
        field: 'items',
      });
    }
  }
  return { lines: priced, totalCents };
}

/** Takes one variant's units at the price the order was written with; the updated row's stock, or null. */
function takeVariantStock(line: ResolvedLine) {
  return sql`update ${productVariants} set stock = stock - ${line.quantity}
    where id = ${line.variantId} and stock >= ${line.quantity} and price_cents = ${line.unitPriceCents}
      and is_active and archived_at is null
      and exists (select 1 from ${products} p where p.id = product_id and p.is_active and p.archived_at is null)
    returning product_id, stock, low_stock_threshold`;
}

/**
 * Takes every line's stock with conditional updates, variants first (in variant id order),
 * then the products' totals (in product id order): the order in which every transaction takes
 * these rows, so two orders cannot deadlock. Called last, just before the order's transaction
 * commits, so that a variant everybody buys stays locked for as short a time as can be; an
 * order of one line does it in one statement (its variant, then its product's total, neither
 * indexed on stock: both updates stay on their page). Throws on the first line that cannot be
 * had; the caller's transaction then rolls every earlier line (and the order) back.
 */
export async function takeStock(
  deps: Deps,
  tx: Transaction,
  { lines, unavailable }: { lines: readonly ResolvedLine[]; unavailable: Unavailable },
): Promise<void> {
  const sorted = [...lines].sort((a, b) => a.variantId - b.variantId);
  const single = sorted.length === 1 ? sorted[0] : undefined;
  for (const line of sorted) {
    const statement =
      line === single
        ? sql`with taken as (${takeVariantStock(line)}),
            total as (update ${products} set stock = greatest(${products.stock} - ${line.quantity}, 0)
              from taken where ${products.id} = taken.product_id)
            select product_id, stock, low_stock_threshold from taken`
        : takeVariantStock(line);
    const [row] = await queryRows<{ product_id: number; stock: number; low_stock_threshold: number | null }>(tx, statement);
    if (!row) throw await whyNoStock(tx, line, unavailable);
    const { productId, variantId, quantity } = { ...line, productId: Number(row.product_id) };
    const stock = Number(row.stock);
    // A sold-out variant must leave cached lists and pages at once; other stock changes may
    // show after the cache lifetime.
    if (stock === 0) catalogChanged(deps, tx);
    await tellOfLowStock(deps, tx, { productId, variantId, before: stock + quantity, after: stock, threshold: row.low_stock_threshold });
    await publishStock(deps, tx, { productId, variantId, stock, live: true, productPublic: true });
  }
  if (!single) await moveProductStock(tx, sorted, -1);
}

/** Keeps each product's stock (its active variants' added up) in step with its variants'. */
async function moveProductStock(tx: Transaction, lines: readonly VariantLine[], sign: 1 | -1): Promise<void> {
  const byProduct = new Map<number, number>();
  for (const { productId, quantity } of lines) byProduct.set(productId, (byProduct.get(productId) ?? 0) + quantity);
  for (const [productId, quantity] of [...byProduct].sort(([a], [b]) => a - b)) {
    await tx
      .update(products)
      .set({ stock: sql`greatest(${products.stock} + ${sign * quantity}, 0)` })
      .where(eq(products.id, productId));
  }
}

async function whyNoStock(tx: Transaction, line: ResolvedLine, unavailable: Unavailable): Promise<Error> {
  const [state] = await tx
    .select({
      stock: productVariants.stock,
      priceCents: productVariants.priceCents,
      forSale: sql<boolean>`${productVariants.isActive} and ${productVariants.archivedAt} is null and ${products.isActive} and ${products.archivedAt} is null`,
    })
    .from(productVariants)
    .innerJoin(products, eq(products.id, productVariants.productId))
    .where(eq(productVariants.id, line.variantId));
  if (!state?.forSale) return unavailable(line);
  if (state.priceCents !== line.unitPriceCents && state.stock >= line.quantity) return new PriceChanged();
  return new AppError(
    'OUT_OF_STOCK',
    `Insufficient stock for product ${line.productId} (variant ${line.variantId}): ${line.quantity} requested, ${state.stock} available`,
    { productId: line.productId, variantId: line.variantId },
  );
}

/**
 * Puts an order's units back (with no upper bound: they were ours before), variants first, then
 * the totals of products whose variant is still active. Cached catalog reads show them as soon
 * as the transaction commits, since staff changes must show at once.
 */
export async function returnStock(deps: Deps, tx: Transaction, lines: readonly VariantLine[]): Promise<void> {
  const counted: VariantLine[] = [];
  for (const line of [...lines].sort((a, b) => a.variantId - b.variantId)) {
    const [row] = await tx
      .update(productVariants)
      .set({ stock: sql`${productVariants.stock} + ${line.quantity}` })
      .where(eq(productVariants.id, line.variantId))
      .returning({ stock: productVariants.stock, live: sql<boolean>`${productVariants.isActive} and ${productVariants.archivedAt} is null` });
    if (row?.live) counted.push(line);
    if (row) await publishStock(deps, tx, { productId: line.productId, variantId: line.variantId, stock: row.stock, live: row.live });
  }
  await moveProductStock(tx, counted, 1);
  if (lines.length) catalogChanged(deps, tx);
}

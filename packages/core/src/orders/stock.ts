import { products, type Transaction } from '@commerce/db';
import { and, eq, gte, isNull, sql } from 'drizzle-orm';
import { bumpCatalogVersion } from '../catalog/version';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { MAX_LINE_QUANTITY, type OrderLineInput } from './schemas';

/** Postgres `integer`: order totals are stored in one. */
const MAX_CENTS = 2_147_483_647;

/**
 * One line per product, sorted by product id: the order in which every transaction takes
 * product rows, so two orders over the same products cannot deadlock.
 */
export function mergeLines(items: readonly OrderLineInput[]): OrderLineInput[] {
  const merged = new Map<number, number>();
  for (const { productId, quantity } of items) merged.set(productId, (merged.get(productId) ?? 0) + quantity);
  return [...merged]
    .map(([productId, quantity]) => {
      if (quantity > MAX_LINE_QUANTITY) {
        throw new AppError(
          'BAD_REQUEST',
          `items: product ${productId} adds up to ${quantity} units; at most ${MAX_LINE_QUANTITY} per product`,
          { field: 'items', productId },
        );
      }
      return { productId, quantity };
    })
    .sort((a, b) => a.productId - b.productId);
}

export interface PricedLine {
  productId: number;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

/**
 * How an order's caller hears about a product that cannot be bought: POST /orders answers
 * exactly as for an unknown id (400, same message and data, so a customer cannot enumerate
 * inactive or archived products), checkout of a cart line that became unavailable is a
 * conflict with the cart's state (409).
 */
export type UnavailableAs = 'BAD_REQUEST' | 'LINE_UNAVAILABLE';

/**
 * Takes every line's stock with conditional updates, in product id order, and prices the
 * lines from the rows it updated. Throws on the first line that cannot be had; the caller's
 * transaction then rolls every earlier line back.
 */
export async function takeStock(
  tx: Transaction,
  lines: readonly OrderLineInput[],
  unavailableAs: UnavailableAs,
): Promise<{ lines: PricedLine[]; totalCents: number; emptied: boolean }> {
  const priced: PricedLine[] = [];
  let totalCents = 0;
  let emptied = false;
  for (const { productId, quantity } of [...lines].sort((a, b) => a.productId - b.productId)) {
    const [row] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} - ${quantity}` })
      .where(
        and(
          eq(products.id, productId),
          gte(products.stock, quantity),
          eq(products.isActive, true),
          isNull(products.archivedAt),
        ),
      )
      .returning({ name: products.name, priceCents: products.priceCents, stock: products.stock });
    if (!row) throw await whyNoStock(tx, productId, quantity, unavailableAs);
    const lineTotalCents = row.priceCents * quantity;
    totalCents += lineTotalCents;
    if (totalCents > MAX_CENTS) {
      throw new AppError('ORDER_TOO_LARGE', 'items: the order total is too large; split it into smaller orders', {
        field: 'items',
      });
    }
    if (row.stock === 0) emptied = true;
    priced.push({ productId, name: row.name, quantity, unitPriceCents: row.priceCents, lineTotalCents });
  }
  return { lines: priced, totalCents, emptied };
}

async function whyNoStock(
  tx: Transaction,
  productId: number,
  quantity: number,
  unavailableAs: UnavailableAs,
): Promise<AppError> {
  const [product] = await tx
    .select({ stock: products.stock, isActive: products.isActive, archivedAt: products.archivedAt })
    .from(products)
    .where(eq(products.id, productId));
  if (!product || !product.isActive || product.archivedAt) {
    return unavailableAs === 'BAD_REQUEST'
      ? new AppError('BAD_REQUEST', `items: productId ${productId} does not exist or is not for sale`, {
          field: 'productId',
          productId,
        })
      : new AppError('LINE_UNAVAILABLE', `Product ${productId} is no longer available; remove it from the cart`, {
          productId,
        });
  }
  return new AppError(
    'OUT_OF_STOCK',
    `Insufficient stock for product ${productId}: ${quantity} requested, ${product.stock} available`,
    { productId },
  );
}

/**
 * Puts an order's units back (with no upper bound: they were ours before). True when any
 * product's stock changed, for the caller to refresh the catalog once it commits.
 */
export async function returnStock(tx: Transaction, lines: readonly OrderLineInput[]): Promise<boolean> {
  let returned = false;
  for (const { productId, quantity } of [...lines].sort((a, b) => a.productId - b.productId)) {
    const [row] = await tx
      .update(products)
      .set({ stock: sql`${products.stock} + ${quantity}` })
      .where(eq(products.id, productId))
      .returning({ id: products.id });
    if (row) returned = true;
  }
  return returned;
}

/**
 * Product pages are cached, and an `inStock` filter must not lie once a product sells out or
 * comes back. Called after the commit: a cache failure must not turn a placed order into an error.
 * A placed order refreshes only when a product sold out (the cache lifetime bounds the rest);
 * stock returned by a cancel or refund refreshes always, since staff changes must show at once.
 */
export async function refreshCatalogAfterStockChange(deps: Deps): Promise<void> {
  await bumpCatalogVersion(deps).catch(() => undefined);
}

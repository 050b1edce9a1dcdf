import { products, users, wishlistItems } from '@commerce/db';
import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { transaction } from '../transaction';
import { signedInUserId, type Viewer } from '../viewer';
import { MAX_WISHLIST_ITEMS, type WishlistDto } from './schemas';

/**
 * GET /api/wishlist: every kept product with its live price and availability, newest first.
 * An archived product is left out (its row stays harmless until the customer removes it);
 * an inactive one is listed as unavailable.
 */
export async function getWishlist(deps: Deps, viewer: Viewer): Promise<WishlistDto> {
  const userId = signedInUserId(viewer);
  const rows = await deps.db
    .select({
      productId: products.id,
      name: products.name,
      priceCents: products.priceCents,
      available: sql<boolean>`${products.isActive} and ${products.stock} > 0`,
      addedAt: wishlistItems.addedAt,
    })
    .from(wishlistItems)
    .innerJoin(products, eq(products.id, wishlistItems.productId))
    .where(and(eq(wishlistItems.userId, userId), isNull(products.archivedAt)))
    .orderBy(desc(wishlistItems.addedAt), desc(wishlistItems.productId));
  const currency = deps.settings.currency;
  return {
    items: rows.map((row) => ({ ...row, available: Boolean(row.available), currency, addedAt: row.addedAt.toISOString() })),
  };
}

/**
 * PUT /api/wishlist/items/{productId}: idempotent (adding again keeps the first `addedAt`).
 * The product must be one the public can see (404 otherwise). Counted under the user's row
 * lock, so concurrent adds cannot pass the limit.
 */
export async function addToWishlist(deps: Deps, viewer: Viewer, productId: number): Promise<WishlistDto> {
  const userId = signedInUserId(viewer);
  await transaction(deps, async (tx) => {
    const [product] = await tx
      .select({ id: products.id })
      .from(products)
      .where(and(eq(products.id, productId), eq(products.isActive, true), isNull(products.archivedAt)));
    if (!product) throw notFound('Product');
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [held] = await tx.select({ n: count() }).from(wishlistItems).where(eq(wishlistItems.userId, userId));
    const [present] = await tx
      .select({ productId: wishlistItems.productId })
      .from(wishlistItems)
      .where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, productId)));
    if (present) return;
    if ((held?.n ?? 0) >= MAX_WISHLIST_ITEMS) {
      throw new AppError('WISHLIST_FULL', `A wishlist holds at most ${MAX_WISHLIST_ITEMS} products: remove one first`);
    }
    await tx.insert(wishlistItems).values({ userId, productId, addedAt: deps.clock.now() }).onConflictDoNothing();
  });
  return getWishlist(deps, viewer);
}

/**
 * DELETE /api/wishlist/items/{productId}: idempotent; a product never added is no error, nor is
 * an archived one. An id that names no product at all is a 404, as everywhere.
 */
export async function removeFromWishlist(deps: Deps, viewer: Viewer, productId: number): Promise<WishlistDto> {
  const userId = signedInUserId(viewer);
  const [product] = await deps.db.select({ id: products.id }).from(products).where(eq(products.id, productId));
  if (!product) throw notFound('Product');
  await deps.db.delete(wishlistItems).where(and(eq(wishlistItems.userId, userId), eq(wishlistItems.productId, productId)));
  return getWishlist(deps, viewer);
}

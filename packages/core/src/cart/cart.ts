import { cartItems, carts, products, type Database, type Transaction } from '@commerce/db';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { MAX_LINE_QUANTITY } from '../orders/schemas';
import type { Viewer } from '../viewer';
import {
  MAX_CART_LINES,
  type AddCartItemInput,
  type CartDto,
  type CartLineReason,
  type SetCartItemInput,
} from './schemas';

type Db = Database | Transaction;

export function cartOwner(viewer: Viewer): number {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return viewer.userId;
}

/** Lines with their products' current state, oldest first. */
export async function cartLines(db: Db, where: SQL) {
  return db
    .select({
      productId: cartItems.productId,
      quantity: cartItems.quantity,
      name: products.name,
      priceCents: products.priceCents,
      stock: products.stock,
      isActive: products.isActive,
      archivedAt: products.archivedAt,
    })
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .innerJoin(products, eq(products.id, cartItems.productId))
    .where(where)
    .orderBy(asc(cartItems.addedAt), asc(cartItems.productId));
}
type CartLine = Awaited<ReturnType<typeof cartLines>>[number];

/** Why a line cannot be checked out as it stands, or null when it can. */
export function unavailableReason(line: Pick<CartLine, 'quantity' | 'stock' | 'isActive' | 'archivedAt'>): CartLineReason | null {
  if (line.archivedAt) return 'archived';
  if (!line.isActive) return 'inactive';
  if (line.stock === 0) return 'out_of_stock';
  if (line.stock < line.quantity) return 'insufficient_stock';
  return null;
}

async function readCart(deps: Deps, userId: number): Promise<CartDto> {
  const lines = await cartLines(deps.db, eq(carts.userId, userId));
  const items = lines.map((line) => {
    const reason = unavailableReason(line);
    return {
      productId: line.productId,
      name: line.name,
      quantity: line.quantity,
      unitPriceCents: line.priceCents,
      lineTotalCents: line.priceCents * line.quantity,
      available: reason === null,
      reason,
    };
  });
  const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
  return { items, subtotalCents, currency: deps.settings.currency };
}

/**
 * Locks the user's cart row for the rest of the transaction, so one user's concurrent cart
 * changes and checkouts apply one after another. `create` makes the row on first use; the
 * insert cannot race with itself (on conflict do nothing).
 */
export async function lockCart(tx: Transaction, userId: number, create: boolean): Promise<number | undefined> {
  if (create) await tx.insert(carts).values({ userId }).onConflictDoNothing({ target: carts.userId });
  const [cart] = await tx
    .update(carts)
    .set({ updatedAt: sql`now()` })
    .where(eq(carts.userId, userId))
    .returning({ id: carts.id });
  return cart?.id;
}

/**
 * Where the product id came from: a body field (an unknown id is a 400 naming the field) or
 * the request path (an unknown id is a 404, API.md: "an unknown one 404"). Either way a product
 * the customer may not see reads exactly like one that does not exist.
 */
type ProductIdFrom = 'body' | 'path';

const notForSale = (productId: number) =>
  new AppError('BAD_REQUEST', `productId ${productId} does not exist or is not for sale`, {
    field: 'productId',
    productId,
  });

async function requireForSale(tx: Transaction, productId: number, from: ProductIdFrom): Promise<void> {
  const [product] = await tx
    .select({ isActive: products.isActive, archivedAt: products.archivedAt })
    .from(products)
    .where(eq(products.id, productId));
  if (!product || !product.isActive || product.archivedAt) {
    throw from === 'path' ? notFound('Product') : notForSale(productId);
  }
}

/** Sets one line to `quantityFrom(current)` (current is 0 for a new line). */
async function writeLine(
  deps: Deps,
  userId: number,
  productId: number,
  quantityFrom: (current: number) => number,
  checkProduct: 'always' | 'new line',
  productIdFrom: ProductIdFrom,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const cartId = (await lockCart(tx, userId, true))!;
    const lines = await tx
      .select({ productId: cartItems.productId, quantity: cartItems.quantity })
      .from(cartItems)
      .where(eq(cartItems.cartId, cartId));
    const current = lines.find((line) => line.productId === productId)?.quantity ?? 0;
    if (checkProduct === 'always' || current === 0) await requireForSale(tx, productId, productIdFrom);
    if (current === 0 && lines.length >= MAX_CART_LINES) {
      throw new AppError('CART_FULL', `A cart holds at most ${MAX_CART_LINES} different products`, { productId });
    }
    const quantity = quantityFrom(current);
    if (quantity > MAX_LINE_QUANTITY) {
      throw new AppError(
        'QUANTITY_LIMIT',
        `The cart already holds ${current} of product ${productId}; a line holds at most ${MAX_LINE_QUANTITY}`,
        { field: 'quantity', productId },
      );
    }
    await tx
      .insert(cartItems)
      .values({ cartId, productId, quantity })
      .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.productId], set: { quantity } });
  });
}

/**
 * One product's line, or every line; under the cart lock, so a checkout sees all or none of it.
 * A product id (from a path) must name a product, in the cart or not.
 */
async function deleteLines(deps: Deps, userId: number, productId?: number): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const cartId = await lockCart(tx, userId, false);
    const line = productId === undefined ? undefined : eq(cartItems.productId, productId);
    const deleted =
      cartId === undefined
        ? []
        : await tx
            .delete(cartItems)
            .where(and(eq(cartItems.cartId, cartId), line))
            .returning({ productId: cartItems.productId });
    // A line that was in the cart goes whatever its product became (a cart may hold an archived
    // one); for a line that was not, the id must name a product the customer can see.
    if (productId !== undefined && deleted.length === 0) await requireForSale(tx, productId, 'path');
  });
}

export async function getCart(deps: Deps, viewer: Viewer): Promise<CartDto> {
  return readCart(deps, cartOwner(viewer));
}

/** Adds to what the line holds. Needs a product for sale; takes no stock. */
export async function addCartItem(deps: Deps, viewer: Viewer, input: AddCartItemInput): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await writeLine(deps, userId, input.productId, (current) => current + input.quantity, 'always', 'body');
  return readCart(deps, userId);
}

/**
 * Sets a line's quantity; 0 removes it. Changing a line already in the cart needs no product
 * check; a new line needs a product for sale (an unknown id in the path is a 404).
 */
export async function setCartItemQuantity(deps: Deps, viewer: Viewer, input: SetCartItemInput): Promise<CartDto> {
  if (input.quantity === 0) return removeCartItem(deps, viewer, input.productId);
  const userId = cartOwner(viewer);
  await writeLine(deps, userId, input.productId, () => input.quantity, 'new line', 'path');
  return readCart(deps, userId);
}

/**
 * Removing a line that is not there is not an error: the cart ends as asked. An id that names
 * no product at all is a 404.
 */
export async function removeCartItem(deps: Deps, viewer: Viewer, productId: number): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await deleteLines(deps, userId, productId);
  return readCart(deps, userId);
}

export async function clearCart(deps: Deps, viewer: Viewer): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await deleteLines(deps, userId);
  return readCart(deps, userId);
}

import { cartItems, carts, products, productVariants, type Database, type Transaction } from '@commerce/db';
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { MAX_LINE_QUANTITY } from '../orders/schemas';
import { notForSale, resolveLines } from '../orders/stock';
import { quote } from '../pricing/quote';
import { shippingMethodFor } from '../pricing/shipping';
import { destinationOf } from '../addresses/addresses';
import { transaction } from '../transaction';
import type { Viewer } from '../viewer';
import {
  MAX_CART_LINES,
  type AddCartItemInput,
  type CartDto,
  type CartLineReason,
  type CartLineRef,
  type SetCartDeliveryInput,
  type SetCartItemInput,
} from './schemas';

type Db = Database | Transaction;

export function cartOwner(viewer: Viewer): number {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return viewer.userId;
}

/** A line with its variant's and product's current state. */
const lineColumns = {
  productId: cartItems.productId,
  variantId: cartItems.variantId,
  quantity: cartItems.quantity,
  name: products.name,
  variantTitle: productVariants.title,
  sku: productVariants.sku,
  priceCents: productVariants.priceCents,
  stock: productVariants.stock,
  isActive: sql<boolean>`${products.isActive} and ${productVariants.isActive}`,
  archived: sql<boolean>`${products.archivedAt} is not null or ${productVariants.archivedAt} is not null`,
};
const lineOrder = [asc(cartItems.addedAt), asc(cartItems.variantId)];

/** Lines with their variants' and products' current state, oldest first. */
export async function cartLines(db: Db, where: SQL) {
  return db
    .select(lineColumns)
    .from(cartItems)
    .innerJoin(carts, eq(carts.id, cartItems.cartId))
    .innerJoin(productVariants, eq(productVariants.id, cartItems.variantId))
    .innerJoin(products, eq(products.id, cartItems.productId))
    .where(where)
    .orderBy(...lineOrder);
}
type CartLine = Awaited<ReturnType<typeof cartLines>>[number];

/** Why a line cannot be checked out as it stands, or null when it can. */
export function unavailableReason(line: Pick<CartLine, 'quantity' | 'stock' | 'isActive' | 'archived'>): CartLineReason | null {
  if (line.archived) return 'archived';
  if (!line.isActive) return 'inactive';
  if (line.stock === 0) return 'out_of_stock';
  if (line.stock < line.quantity) return 'insufficient_stock';
  return null;
}

/**
 * A user's cart lines and the choices checkout takes when its body leaves them out (PUT
 * /cart/coupon, PUT /cart/delivery), in one round trip: the cart row left-joined to its lines,
 * so a cart without lines is one row with no line, and a user without a cart row no row at all.
 */
export async function cartWithChoices(db: Db, userId: number) {
  const rows = await db
    .select({ ...lineColumns, couponCode: carts.couponCode, shippingAddress: carts.shippingAddress, shippingMethodId: carts.shippingMethodId })
    .from(carts)
    .leftJoin(cartItems, eq(cartItems.cartId, carts.id))
    .leftJoin(productVariants, eq(productVariants.id, cartItems.variantId))
    .leftJoin(products, eq(products.id, cartItems.productId))
    .where(eq(carts.userId, userId))
    .orderBy(...lineOrder);
  const choices = {
    couponCode: rows[0]?.couponCode ?? null,
    shippingAddress: rows[0]?.shippingAddress ?? null,
    shippingMethodId: rows[0]?.shippingMethodId ?? null,
  };
  const lines = rows.filter((row): row is typeof row & CartLine => row.productId !== null);
  return { lines, choices };
}

/**
 * The cart priced as checkout would price it now (the same pricing function, in preview mode):
 * with the stored destination, shipping and tax; with the stored coupon when it still applies
 * (`couponError` says why not otherwise).
 */
async function readCart(deps: Deps, userId: number): Promise<CartDto> {
  const { lines, choices } = await cartWithChoices(deps.db, userId);
  const priced = lines.map((line) => ({ productId: line.productId, lineTotalCents: line.priceCents * line.quantity }));
  const { breakdown, shippingMethod, couponError } = await quote(
    deps.db,
    { lines: priced, couponCode: choices.couponCode, destination: choices.shippingAddress, shippingMethodId: choices.shippingMethodId, now: deps.clock.now() },
    'preview',
  );
  const items = lines.map((line, i) => {
    const reason = unavailableReason(line);
    return {
      productId: line.productId,
      variantId: line.variantId,
      name: line.name,
      variantTitle: line.variantTitle,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceCents: line.priceCents,
      lineTotalCents: line.priceCents * line.quantity,
      ...breakdown.lines[i]!,
      available: reason === null,
      reason,
    };
  });
  return {
    items,
    subtotalCents: breakdown.subtotalCents,
    discountCents: breakdown.discountCents,
    shippingCents: breakdown.shippingCents,
    taxCents: breakdown.taxCents,
    totalCents: breakdown.totalCents,
    couponCode: choices.couponCode,
    couponError,
    shippingMethod: shippingMethod && { id: shippingMethod.id, name: shippingMethod.name, minDays: shippingMethod.minDays, maxDays: shippingMethod.maxDays },
    shippingAddress: choices.shippingAddress,
    currency: deps.settings.currency,
  };
}

/**
 * Locks the user's cart row for the rest of the transaction, so one user's concurrent cart
 * changes and checkouts apply one after another. `create` makes the row on first use, in the
 * same statement (an upsert locks the row it inserts or updates, and cannot race with itself).
 */
export async function lockCart(tx: Transaction, userId: number, create: boolean): Promise<number | undefined> {
  const [cart] = create
    ? await tx
        .insert(carts)
        .values({ userId })
        .onConflictDoUpdate({ target: carts.userId, set: { updatedAt: sql`now()` } })
        .returning({ id: carts.id })
    : await tx.update(carts).set({ updatedAt: sql`now()` }).where(eq(carts.userId, userId)).returning({ id: carts.id });
  return cart?.id;
}

/**
 * Where the product id came from: a body field (an unknown id is a 400 naming the field) or
 * the request path (an unknown id is a 404, API.md: "an unknown one 404"). Either way a product
 * the customer may not see reads exactly like one that does not exist.
 */
type ProductIdFrom = 'body' | 'path';

const unavailableFrom = (from: ProductIdFrom) => (from === 'path' ? () => notFound('Product') : notForSale());

/** The variant a new line is for: the one named, or the product's only active one. */
async function variantForSale(tx: Transaction, ref: CartLineRef, from: ProductIdFrom): Promise<number> {
  const [line] = await resolveLines(tx, { lines: [{ ...ref, quantity: 1 }], unavailable: unavailableFrom(from) });
  return line!.variantId;
}

/** The cart's lines of one product (one variant's, when named). */
async function linesOf(tx: Transaction, cartId: number, ref: CartLineRef) {
  return tx
    .select({ variantId: cartItems.variantId, quantity: cartItems.quantity })
    .from(cartItems)
    .where(
      and(
        eq(cartItems.cartId, cartId),
        eq(cartItems.productId, ref.productId),
        ref.variantId === undefined ? undefined : eq(cartItems.variantId, ref.variantId),
      ),
    );
}

/**
 * The line an addition goes to: the variant for sale that `ref` means, and what the cart holds
 * of it. The product's lines are read with the variant (pipelined: one round trip).
 */
async function addedLine(tx: Transaction, cartId: number, ref: CartLineRef) {
  const [variantId, lines] = await Promise.all([variantForSale(tx, ref, 'body'), linesOf(tx, cartId, ref)]);
  return { variantId, current: lines.find((line) => line.variantId === variantId)?.quantity ?? 0 };
}

/**
 * The line `ref` means for a change of quantity: the cart's line of that variant, else its
 * only line of that product, else a new line (which needs a variant for sale).
 */
async function lineFor(tx: Transaction, cartId: number, ref: CartLineRef, from: ProductIdFrom) {
  const existing = await linesOf(tx, cartId, ref);
  if (existing.length > 1) {
    throw new AppError('VARIANT_REQUIRED', `The cart holds several variants of product ${ref.productId}: name one with variantId`, {
      field: 'variantId',
      productId: ref.productId,
    });
  }
  if (existing[0]) return { variantId: existing[0].variantId, current: existing[0].quantity };
  return { variantId: await variantForSale(tx, ref, from), current: 0 };
}

/** Sets one line to `quantityFrom(current)` (current is 0 for a new line). */
async function writeLine(
  deps: Deps,
  userId: number,
  change: { ref: CartLineRef; from: ProductIdFrom; quantityFrom: (current: number) => number },
): Promise<void> {
  const { ref, from } = change;
  await transaction(deps, async (tx) => {
    const cartId = (await lockCart(tx, userId, true))!;
    const countLines = async () => {
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(cartItems).where(eq(cartItems.cartId, cartId));
      return Number(count?.n ?? 0);
    };
    // Adding always needs the variant for sale, and reads the cart's size with it (one round
    // trip); changing a line already there needs neither.
    const [{ variantId, current }, counted] =
      from === 'body' ? await Promise.all([addedLine(tx, cartId, ref), countLines()]) : [await lineFor(tx, cartId, ref, from), undefined];
    if (current === 0 && (counted ?? (await countLines())) >= MAX_CART_LINES) {
      throw new AppError('CART_FULL', `A cart holds at most ${MAX_CART_LINES} different products`, {
        productId: ref.productId,
        variantId,
      });
    }
    const quantity = change.quantityFrom(current);
    if (quantity > MAX_LINE_QUANTITY) {
      throw new AppError(
        'QUANTITY_LIMIT',
        `The cart already holds ${current} of product ${ref.productId}; a line holds at most ${MAX_LINE_QUANTITY}`,
        { field: 'quantity', productId: ref.productId, variantId },
      );
    }
    await tx
      .insert(cartItems)
      .values({ cartId, productId: ref.productId, variantId, quantity })
      .onConflictDoUpdate({ target: [cartItems.cartId, cartItems.variantId], set: { quantity } });
  });
}

/**
 * The lines of one product (of one variant, when named), or every line; under the cart lock,
 * so a checkout sees all or none of it. A product id (from a path) must name a product.
 */
async function deleteLines(deps: Deps, userId: number, ref?: CartLineRef): Promise<void> {
  await transaction(deps, async (tx) => {
    const cartId = await lockCart(tx, userId, false);
    const lines =
      ref === undefined
        ? undefined
        : and(
            eq(cartItems.productId, ref.productId),
            ref.variantId === undefined ? undefined : eq(cartItems.variantId, ref.variantId),
          );
    const deleted =
      cartId === undefined
        ? []
        : await tx
            .delete(cartItems)
            .where(and(eq(cartItems.cartId, cartId), lines))
            .returning({ productId: cartItems.productId });
    // A line that was in the cart goes whatever its product became (a cart may hold an archived
    // one); for a line that was not, the id must name a product the customer can see.
    if (ref !== undefined && deleted.length === 0) await variantForSale(tx, ref, 'path');
  });
}

export async function getCart(deps: Deps, viewer: Viewer): Promise<CartDto> {
  return readCart(deps, cartOwner(viewer));
}

/** Adds to what the line holds. Needs a variant for sale; takes no stock. */
export async function addCartItem(deps: Deps, viewer: Viewer, input: AddCartItemInput): Promise<CartDto> {
  const userId = cartOwner(viewer);
  const { quantity, ...ref } = input;
  await writeLine(deps, userId, { ref, from: 'body', quantityFrom: (current) => current + quantity });
  return readCart(deps, userId);
}

/**
 * Sets a line's quantity; 0 removes it. Changing a line already in the cart needs no product
 * check; a new line needs a variant for sale (an unknown id in the path is a 404).
 */
export async function setCartItemQuantity(deps: Deps, viewer: Viewer, input: SetCartItemInput): Promise<CartDto> {
  const { quantity, ...ref } = input;
  if (quantity === 0) return removeCartItem(deps, viewer, ref);
  const userId = cartOwner(viewer);
  await writeLine(deps, userId, { ref, from: 'path', quantityFrom: () => quantity });
  return readCart(deps, userId);
}

/**
 * Removing a line that is not there is not an error: the cart ends as asked. An id that names
 * no product at all is a 404.
 */
export async function removeCartItem(deps: Deps, viewer: Viewer, ref: CartLineRef): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await deleteLines(deps, userId, ref);
  return readCart(deps, userId);
}

export async function clearCart(deps: Deps, viewer: Viewer): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await deleteLines(deps, userId);
  return readCart(deps, userId);
}

/**
 * PUT /cart/coupon: the coupon must apply to the cart as it is (400 `coupon_invalid`) and have
 * uses left (409 `coupon_exhausted`); checkout redeems it. Under the cart lock, like every change.
 */
export async function setCartCoupon(deps: Deps, viewer: Viewer, input: { code: string }): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await transaction(deps, async (tx) => {
    const cartId = (await lockCart(tx, userId, true))!;
    const lines = await cartLines(tx, eq(carts.id, cartId));
    const priced = lines.map((line) => ({ productId: line.productId, lineTotalCents: line.priceCents * line.quantity }));
    await quote(tx, { lines: priced, couponCode: input.code, now: deps.clock.now() }, 'order');
    await tx.update(carts).set({ couponCode: input.code }).where(eq(carts.id, cartId));
  });
  return readCart(deps, userId);
}

export async function removeCartCoupon(deps: Deps, viewer: Viewer): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await deps.db.update(carts).set({ couponCode: null, updatedAt: sql`now()` }).where(eq(carts.userId, userId));
  return readCart(deps, userId);
}

/**
 * PUT /cart/delivery: where to ship and how; a method must serve the address's country (400).
 * The cart then shows shipping and tax, so the full total is known before the order is placed.
 */
export async function setCartDelivery(deps: Deps, viewer: Viewer, input: SetCartDeliveryInput): Promise<CartDto> {
  const userId = cartOwner(viewer);
  await transaction(deps, async (tx) => {
    const cartId = (await lockCart(tx, userId, true))!;
    // A saved address is copied, as an order copies it: a later edit of it changes no cart.
    const shippingAddress = await destinationOf(tx, userId, input);
    if (!shippingAddress) throw new AppError('BAD_REQUEST', 'Send shippingAddress or addressId', { field: 'shippingAddress' });
    if (input.shippingMethodId !== undefined) {
      await shippingMethodFor(tx, { country: shippingAddress.country, shippingMethodId: input.shippingMethodId });
    }
    await tx
      .update(carts)
      .set({ shippingAddress, shippingMethodId: input.shippingMethodId ?? null })
      .where(eq(carts.id, cartId));
  });
  return readCart(deps, userId);
}

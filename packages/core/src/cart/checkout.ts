import { cartItems, carts } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { destinationOf } from '../addresses/addresses';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { actorFor } from '../orders/actor';
import { submitOrder, writeOrder } from '../orders/create';
import type { OrderDetailDto } from '../orders/schemas';
import { lineUnavailable } from '../orders/stock';
import type { Viewer } from '../viewer';
import { cartWithChoices, lockCart } from './cart';
import type { CheckoutInput } from './schemas';

/**
 * POST /api/cart/checkout: the cart becomes a pending order and is emptied, in one
 * transaction. The cart row stays locked throughout, so a line added or changed meanwhile is
 * either part of this order or still in the cart afterwards, never lost.
 */
export async function checkout(deps: Deps, viewer: Viewer, input: CheckoutInput): Promise<OrderDetailDto> {
  const actor = actorFor(viewer);
  return submitOrder(deps, {
    actor,
    endpoint: 'cart/checkout',
    input,
    write: async (tx) => {
      const cartId = await lockCart(tx, actor.userId, false);
      if (cartId === undefined) throw new AppError('CART_EMPTY', 'The cart is empty');
      // The body's choices, else the cart's (the cart row is locked: they cannot change meanwhile).
      const { lines, choices: stored } = await cartWithChoices(tx, actor.userId);
      if (lines.length === 0) throw new AppError('CART_EMPTY', 'The cart is empty');
      const gone = lines.find((line) => line.archived || !line.isActive);
      if (gone) throw lineUnavailable(gone);
      const orderId = await writeOrder(deps, tx, {
        actor,
        lines,
        shippingAddress: (await destinationOf(tx, actor.userId, input)) ?? stored.shippingAddress,
        couponCode: input.couponCode ?? stored.couponCode,
        shippingMethodId: input.shippingMethodId ?? stored.shippingMethodId,
        unavailable: lineUnavailable,
      });
      // The coupon was used; the destination stays for the next order.
      await Promise.all([tx.delete(cartItems).where(eq(cartItems.cartId, cartId)), tx.update(carts).set({ couponCode: null }).where(eq(carts.id, cartId))]);
      return orderId;
    },
  });
}

import {
  addCartItem,
  addCartItemInput,
  cartOutput,
  cartLineRef,
  checkout,
  checkoutInput,
  clearCart,
  getCart,
  idempotencyKeySchema,
  orderDetailOutput,
  removeCartItem,
  setCartItemInput,
  setCartItemQuantity,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { authedProcedure, orderingProcedure, router } from '../trpc';

const tags = ['cart'];

export const cartRouter = router({
  get: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cart',
        tags,
        summary: 'My cart, priced from the catalog',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn' }),
      },
    })
    .input(z.object({}))
    .output(cartOutput)
    .query(({ ctx }) => getCart(ctx.deps, ctx.viewer)),

  addItem: authedProcedure
    .meta({
      reasons: ['CART_FULL', 'QUANTITY_LIMIT', 'VARIANT_REQUIRED', 'VARIANT_MISMATCH'],
      openapi: {
        method: 'POST',
        path: '/cart/items',
        tags,
        summary: 'Add to a cart line',
        description: 'Adds to the quantity already in the cart (at most 1000 per product, 100 products). Takes no stock.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: '`productId` names no product for sale (`data.field` is `productId`)',
            409: 'The cart already holds 100 different products, or the line would pass 1000 units (`data.productId` names the product)',
          },
        ),
      },
    })
    .input(addCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => addCartItem(ctx.deps, ctx.viewer, input)),

  setItem: authedProcedure
    .meta({
      reasons: ['CART_FULL', 'QUANTITY_LIMIT', 'VARIANT_REQUIRED', 'VARIANT_MISMATCH'],
      openapi: {
        method: 'PUT',
        path: '/cart/items/{productId}',
        tags,
        summary: 'Set a cart line quantity (0 removes it)',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            404: 'No product for sale with this id (unknown, inactive and archived read alike)',
            409: 'The cart already holds 100 different products',
          },
        ),
      },
    })
    .input(setCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => setCartItemQuantity(ctx.deps, ctx.viewer, input)),

  removeItem: authedProcedure
    .meta({
      reasons: ['VARIANT_MISMATCH'],
      openapi: {
        method: 'DELETE',
        path: '/cart/items/{productId}',
        tags,
        summary: 'Remove a cart line',
        description: 'Every line of the product, or only its `variantId` line when given.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, input: true },
          { 404: 'The line is not in the cart and no product for sale has this id' },
        ),
      },
    })
    .input(cartLineRef)
    .output(cartOutput)
    .mutation(({ ctx, input }) => removeCartItem(ctx.deps, ctx.viewer, input)),

  clear: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/cart',
        tags,
        summary: 'Empty the cart',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true }),
      },
    })
    .input(z.object({}))
    .output(cartOutput)
    .mutation(({ ctx }) => clearCart(ctx.deps, ctx.viewer)),

  checkout: orderingProcedure
    .meta({
      reasons: [
        'CART_EMPTY',
        'LINE_UNAVAILABLE',
        'OUT_OF_STOCK',
        'ORDER_TOO_LARGE',
        'PENDING_ORDER_LIMIT',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_ORDER_GONE',
      ],
      openapi: {
        method: 'POST',
        path: '/cart/checkout',
        tags,
        summary: 'Turn the cart into an order',
        description:
          'Takes the stock of every line or none, creates a pending order and empties the cart. The destination is `shippingAddress`, or `addressId` for a copy of one of the caller\'s saved addresses. A retry with the same `Idempotency-Key` answers the first order.',
        protect: true,
        requestHeaders: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: 'an invalid `Idempotency-Key` header; the order total is too large; both `shippingAddress` and `addressId` sent',
            404: "`addressId` names none of the caller's saved addresses",
            409: 'The cart is empty; a line is no longer available or short of stock (the message and `data.productId` name the product); the `Idempotency-Key` was already used with a different request',
          },
        ),
      },
    })
    .input(checkoutInput)
    .output(orderDetailOutput)
    .mutation(({ ctx, input }) =>
      checkout(ctx.deps, ctx.viewer, {
        ...input,
        idempotencyKey: input.idempotencyKey ?? ctx.req.header('idempotency-key'),
      }),
    ),
});

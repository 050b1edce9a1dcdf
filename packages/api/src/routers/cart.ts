import {
  addCartItem,
  addCartItemInput,
  cartOutput,
  cartProductInput,
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
import { authedProcedure, router } from '../trpc';

const tags = ['cart'];

export const cartRouter = router({
  get: authedProcedure
    .meta({ openapi: { method: 'GET', path: '/cart', tags, summary: 'My cart, priced from the catalog', protect: true } })
    .input(z.object({}))
    .output(cartOutput)
    .query(({ ctx }) => getCart(ctx.deps, ctx.viewer)),

  addItem: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cart/items',
        tags,
        summary: 'Add to a cart line',
        description: 'Adds to the quantity already in the cart (at most 1000 per product, 100 products). Takes no stock.',
        protect: true,
      },
    })
    .input(addCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => addCartItem(ctx.deps, ctx.viewer, input)),

  setItem: authedProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/cart/items/{productId}',
        tags,
        summary: 'Set a cart line quantity (0 removes it)',
        protect: true,
      },
    })
    .input(setCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => setCartItemQuantity(ctx.deps, ctx.viewer, input)),

  removeItem: authedProcedure
    .meta({ openapi: { method: 'DELETE', path: '/cart/items/{productId}', tags, summary: 'Remove a cart line', protect: true } })
    .input(cartProductInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => removeCartItem(ctx.deps, ctx.viewer, input.productId)),

  clear: authedProcedure
    .meta({ openapi: { method: 'DELETE', path: '/cart', tags, summary: 'Empty the cart', protect: true } })
    .input(z.object({}))
    .output(cartOutput)
    .mutation(({ ctx }) => clearCart(ctx.deps, ctx.viewer)),

  checkout: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/cart/checkout',
        tags,
        summary: 'Turn the cart into an order',
        description:
          'Takes the stock of every line or none, creates a pending order and empties the cart. A retry with the same `Idempotency-Key` answers the first order.',
        protect: true,
        requestHeaders: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
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

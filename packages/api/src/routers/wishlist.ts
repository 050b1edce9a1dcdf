import { addToWishlist, getWishlist, removeFromWishlist, wishlistItemInput, wishlistOutput } from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { authedProcedure, router } from '../trpc';

const tags = ['account'];

export const wishlistRouter = router({
  get: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/wishlist',
        tags,
        summary: 'My wishlist, with live prices and availability',
        description: 'Newest first. An archived product is left out; an inactive one shows `available: false`.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn' }),
      },
    })
    .input(z.object({}))
    .output(wishlistOutput)
    .query(({ ctx }) => getWishlist(ctx.deps, ctx.viewer)),

  add: authedProcedure
    .meta({
      reasons: ['WISHLIST_FULL'],
      openapi: {
        method: 'PUT',
        path: '/wishlist/items/{productId}',
        tags,
        summary: 'Keep a product on my wishlist',
        description: 'Idempotent: adding a product already there changes nothing. At most 200 products.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, input: true },
          { 404: 'No product for sale with this id', 409: 'The wishlist already holds 200 products' },
        ),
      },
    })
    .input(wishlistItemInput)
    .output(wishlistOutput)
    .mutation(({ ctx, input }) => addToWishlist(ctx.deps, ctx.viewer, input.productId)),

  remove: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/wishlist/items/{productId}',
        tags,
        summary: 'Take a product off my wishlist',
        description: 'Idempotent: a product not on the wishlist (or archived since) is no error.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, input: true }, { 404: 'No product with this id' }),
      },
    })
    .input(wishlistItemInput)
    .output(wishlistOutput)
    .mutation(({ ctx, input }) => removeFromWishlist(ctx.deps, ctx.viewer, input.productId)),
});

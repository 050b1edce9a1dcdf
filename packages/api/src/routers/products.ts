import {
  getProduct,
  idSchema,
  listProducts,
  listProductsInput,
  productOutput,
  productPageOutput,
} from '@commerce/core';
import { z } from 'zod';
import { publicProcedure, router } from '../trpc';

export const productsRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products',
        tags: ['catalog'],
        summary: 'List products',
        description:
          'Paginated. Anonymous callers and customers see active products only; `active` is for staff. `q` is full-text search over name and description; `categoryId` includes subcategories.',
      },
    })
    .input(listProductsInput)
    .output(productPageOutput)
    .query(({ ctx, input }) => listProducts(ctx.deps, ctx.viewer, input)),

  byId: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/products/{id}', tags: ['catalog'], summary: 'Get a product' } })
    .input(z.object({ id: idSchema }))
    .output(productOutput)
    .query(({ ctx, input }) => getProduct(ctx.deps, ctx.viewer, input.id)),
});

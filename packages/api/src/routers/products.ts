import {
  archiveProduct,
  createProduct,
  createProductInput,
  getProduct,
  listProducts,
  listProductsInput,
  idInput,
  productOutput,
  productPageOutput,
  updateProduct,
  updateProductInput,
} from '@commerce/core';
import { z } from 'zod';
import { publicProcedure, router, staffProcedure } from '../trpc';

export const productsRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products',
        tags: ['catalog'],
        summary: 'List products',
        protect: false,
        description:
          'Paginated. Anonymous callers and customers see active products only; `active` is for staff. `q` is full-text search over name and description; `categoryId` includes subcategories; price bounds are inclusive.',
      },
    })
    .input(listProductsInput)
    .output(productPageOutput)
    .query(({ ctx, input }) => listProducts(ctx.deps, ctx.viewer, input)),

  byId: publicProcedure
    .meta({ openapi: { method: 'GET', path: '/products/{id}', tags: ['catalog'], summary: 'Get a product', protect: false } })
    .input(idInput)
    .output(productOutput)
    .query(({ ctx, input }) => getProduct(ctx.deps, ctx.viewer, input.id)),

  create: staffProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/products',
        tags: ['catalog'],
        summary: 'Create a product (staff)',
        description: 'The slug is made from the name, with -2, -3, ... appended when taken. A duplicate `sku` is a 409.',
        protect: true,
      },
    })
    .input(createProductInput)
    .output(productOutput)
    .mutation(({ ctx, input }) => createProduct(ctx.deps, input)),

  update: staffProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/products/{id}',
        tags: ['catalog'],
        summary: 'Update a product (staff)',
        description: 'Any subset of the create fields. A new name gives a new slug.',
        protect: true,
      },
    })
    .input(updateProductInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input: { id, ...changes } }) => updateProduct(ctx.deps, id, changes)),

  delete: staffProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/products/{id}',
        tags: ['catalog'],
        summary: 'Archive a product (staff)',
        description: 'The product leaves every public read but stays for past orders. Archiving again succeeds.',
        protect: true,
      },
    })
    .input(idInput)
    .output(z.object({ success: z.literal(true) }))
    .mutation(({ ctx, input }) => archiveProduct(ctx.deps, input.id)),
});

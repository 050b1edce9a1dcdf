import {
  archiveProduct,
  bulkProductsInput,
  bulkProductsOutput,
  bulkUpdateProducts,
  createProduct,
  createProductInput,
  getProduct,
  listProducts,
  listProductsInput,
  idInput,
  importPlanOutput,
  importProductsCsv,
  importProductsCsvInput,
  productOutput,
  productPageOutput,
  updateProduct,
  updateProductInput,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { publicProcedure, router, staffProcedure } from '../trpc';

/** What a product write can run into beyond validation (productWriteError in core). */
const productWrite = {
  400: '`categoryId` names no category (`data.field` is `categoryId`); a variant\'s `optionValues` do not fit the options (`invalid_option_value`)',
  409: 'Another live variant already has this `sku` (`data.field` is `sku`), two variants share a combination of option values, or no free slug was found for the name (retry)',
};

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
        errorResponses: errorResponses({ access: 'public', input: true }),
      },
    })
    .input(listProductsInput)
    .output(productPageOutput)
    .query(({ ctx, input }) => listProducts(ctx.deps, ctx.viewer, input)),

  byId: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products/{id}',
        tags: ['catalog'],
        summary: 'Get a product',
        protect: false,
        errorResponses: errorResponses(
          { access: 'public', input: true },
          { 404: 'No product with this id, or (to anyone but staff) an inactive or archived one' },
        ),
      },
    })
    .input(idInput)
    .output(productOutput)
    .query(({ ctx, input }) => getProduct(ctx.deps, ctx.viewer, input.id)),

  create: staffProcedure
    .meta({
      reasons: ['SKU_TAKEN', 'DUPLICATE_VARIANT', 'INVALID_OPTION_VALUE', 'SLUG_UNAVAILABLE'],
      openapi: {
        method: 'POST',
        path: '/products',
        tags: ['catalog'],
        summary: 'Create a product (staff)',
        description:
          'The slug is made from the name, with -2, -3, ... appended when taken. Without `variants`, the product gets one variant carrying `priceCents`, `stock` and `sku`; with `options` (at most 3, e.g. Size: S, M, L), send one variant per combination sold. A duplicate `sku` or combination is a 409.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          { 400: productWrite[400], 409: productWrite[409] },
        ),
      },
    })
    .input(createProductInput)
    .output(productOutput)
    .mutation(({ ctx, input }) => createProduct(ctx.deps, ctx.actor, input)),

  update: staffProcedure
    .meta({
      reasons: ['SKU_TAKEN', 'INVALID_OPTION_VALUE', 'PRODUCT_HAS_VARIANTS', 'SLUG_UNAVAILABLE'],
      openapi: {
        method: 'PUT',
        path: '/products/{id}',
        tags: ['catalog'],
        summary: 'Update a product (staff)',
        description:
          'Any subset of the create fields but `variants`. A new name gives a new slug. `priceCents`, `stock`, `sku` and `lowStockThreshold` change the only variant (a product with several is changed per variant: 400 `product_has_variants`). New `options` must fit the live variants: an option the product did not have gives each of them its first value (retitling variants whose title came from their values); removing an option or a value a variant still uses is a 400 `invalid_option_value`. `images` lists the product\'s images in their new order: ids of its images, or new `{ url, alt }` outside ones; images left out are removed.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            400: `${productWrite[400]}; \`images\` names an image of another product; price, stock or sku of a product with several variants`,
            409: productWrite[409],
            404: 'No product with this id (archived ones included)',
          },
        ),
      },
    })
    .input(updateProductInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input }) => updateProduct(ctx.deps, ctx.actor, input)),

  delete: staffProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/products/{id}',
        tags: ['catalog'],
        summary: 'Archive a product (staff)',
        description: 'The product leaves every public read but stays for past orders. Archiving again succeeds.',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', mutation: true, input: true }, { 404: 'No product with this id' }),
      },
    })
    .input(idInput)
    .output(z.object({ success: z.literal(true) }))
    .mutation(({ ctx, input }) => archiveProduct(ctx.deps, ctx.actor, input.id)),

  /** The admin's bulk actions (tRPC only): selected products, or every one matching a list filter. */
  bulk: staffProcedure
    .input(bulkProductsInput)
    .output(bulkProductsOutput)
    .mutation(({ ctx, input }) => bulkUpdateProducts(ctx.deps, ctx.actor, input)),

  /** The admin's CSV import (tRPC only): a dry run, or `apply` in one transaction; rows match variants by sku. */
  importCsv: staffProcedure
    .input(importProductsCsvInput)
    .output(importPlanOutput)
    .mutation(({ ctx, input }) => importProductsCsv(ctx.deps, ctx.actor, input)),
});

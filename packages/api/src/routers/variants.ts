import {
  adjustVariantStock,
  archiveVariant,
  createVariant,
  createVariantInput,
  idInput,
  idSchema,
  setStockInput,
  setVariantStock,
  stockAdjustmentInput,
  updateVariant,
  updateVariantInput,
  variantOutput,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { router, staffProcedure } from '../trpc';

const tags = ['catalog'];
const variantPath = z.object({ id: idSchema, variantId: idSchema });
const variantWrite = {
  400: 'The `optionValues` do not name exactly the product\'s options with one of their values (`invalid_option_value`)',
  409: 'Another live variant has this `sku`, or this product another variant with the same option values',
};

export const variantsRouter = router({
  create: staffProcedure
    .meta({
      reasons: ['SKU_TAKEN', 'DUPLICATE_VARIANT', 'INVALID_OPTION_VALUE'],
      openapi: {
        method: 'POST',
        path: '/products/{id}/variants',
        tags,
        summary: 'Add a variant to a product (staff)',
        description: 'The title is made from the option values ("M / Red") unless given. The product\'s price and stock follow its active variants.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          { ...variantWrite, 404: 'No product with this id' },
        ),
      },
    })
    .input(createVariantInput.extend(idInput.shape))
    .output(variantOutput)
    .mutation(({ ctx, input: { id, ...variant } }) => createVariant(ctx.deps, ctx.actor, { productId: id, ...variant })),

  update: staffProcedure
    .meta({
      reasons: ['SKU_TAKEN', 'DUPLICATE_VARIANT', 'INVALID_OPTION_VALUE', 'LAST_VARIANT'],
      openapi: {
        method: 'PUT',
        path: '/products/{id}/variants/{variantId}',
        tags,
        summary: 'Update a variant (staff)',
        description: 'Any subset of the fields. Switching off the last active variant is a 409 (`last_variant`).',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            ...variantWrite,
            409: `${variantWrite[409]}; the last active variant cannot be switched off`,
            404: 'No live variant with this id on this product',
          },
        ),
      },
    })
    .input(updateVariantInput.extend(variantPath.shape))
    .output(variantOutput)
    .mutation(({ ctx, input: { id, ...changes } }) => updateVariant(ctx.deps, ctx.actor, { productId: id, ...changes })),

  archive: staffProcedure
    .meta({
      reasons: ['LAST_VARIANT'],
      openapi: {
        method: 'DELETE',
        path: '/products/{id}/variants/{variantId}',
        tags,
        summary: 'Archive a variant (staff)',
        description:
          'The variant leaves every read and can no longer be bought; past orders keep showing it. Archiving again succeeds. The last active variant cannot go (409 `last_variant`): archive the product instead.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, input: true },
          { 404: 'No variant with this id on this product', 409: 'The last active variant of its product' },
        ),
      },
    })
    .input(variantPath)
    .output(z.object({ success: z.literal(true) }))
    .mutation(({ ctx, input }) => archiveVariant(ctx.deps, ctx.actor, { productId: input.id, variantId: input.variantId })),

  setStock: staffProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/variants/{id}/stock',
        tags: ['inventory'],
        summary: 'Set a variant\'s stock (staff)',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', mutation: true, body: true }, { 404: 'No live variant with this id' }),
      },
    })
    .input(setStockInput.extend(idInput.shape))
    .output(variantOutput)
    .mutation(({ ctx, input }) => setVariantStock(ctx.deps, ctx.actor, input)),

  adjustStock: staffProcedure
    .meta({
      reasons: ['STOCK_LIMIT', 'INSUFFICIENT_STOCK'],
      openapi: {
        method: 'POST',
        path: '/variants/{id}/stock-adjustments',
        tags: ['inventory'],
        summary: 'Adjust a variant\'s stock by a delta (staff)',
        description: 'Atomic: concurrent adjustments all apply. Stock that would go below 0 is a 409 and nothing changes.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            404: 'No live variant with this id',
            409: 'Stock would go below 0, or above the maximum (`data.field` is `delta`); nothing changes',
          },
        ),
      },
    })
    .input(stockAdjustmentInput.extend(idInput.shape))
    .output(variantOutput)
    .mutation(({ ctx, input }) => adjustVariantStock(ctx.deps, ctx.actor, input)),
});

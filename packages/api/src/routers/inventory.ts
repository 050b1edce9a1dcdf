import {
  adjustStock,
  listLowStock,
  lowStockPageOutput,
  pageQuery,
  idInput,
  productOutput,
  setStock,
  setStockInput,
  stockAdjustmentInput,
} from '@commerce/core';
import { errorResponses } from '../errors';
import { router, staffProcedure } from '../trpc';

export const inventoryRouter = router({
  setStock: staffProcedure
    .meta({
      reasons: ['VARIANT_REQUIRED'],
      openapi: {
        method: 'PUT',
        path: '/products/{id}/stock',
        tags: ['inventory'],
        summary: 'Set stock of a single-variant product (staff)',
        description: 'For a product with one variant; a product with several is stocked per variant (400 `variant_required`).',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', mutation: true, body: true }, { 404: 'No product with this id' }),
      },
    })
    .input(setStockInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input }) => setStock(ctx.deps, ctx.actor, input)),

  adjustStock: staffProcedure
    .meta({
      reasons: ['STOCK_LIMIT', 'INSUFFICIENT_STOCK', 'VARIANT_REQUIRED'],
      openapi: {
        method: 'POST',
        path: '/products/{id}/stock-adjustments',
        tags: ['inventory'],
        summary: 'Adjust stock by a delta (staff)',
        description: 'Atomic: concurrent adjustments all apply. Stock that would go below 0 is a 409 and nothing changes.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            404: 'No product with this id',
            409: 'Stock would go below 0, or above the maximum (`data.field` is `delta`); nothing changes',
          },
        ),
      },
    })
    .input(stockAdjustmentInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input }) => adjustStock(ctx.deps, ctx.actor, input)),

  lowStock: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/inventory/low-stock',
        tags: ['inventory'],
        summary: 'Variants low on stock (staff)',
        description:
          'Variants whose stock is at or below their `lowStockThreshold`, else the store-wide LOW_STOCK_THRESHOLD; lowest stock first. Archived variants and products are left out.',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', input: true }),
      },
    })
    .input(pageQuery)
    .output(lowStockPageOutput)
    .query(({ ctx, input }) => listLowStock(ctx.deps, input)),
});

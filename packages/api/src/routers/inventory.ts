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
import { router, staffProcedure } from '../trpc';

export const inventoryRouter = router({
  setStock: staffProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/products/{id}/stock',
        tags: ['inventory'],
        summary: 'Set stock (staff)',
        protect: true,
      },
    })
    .input(setStockInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input }) => setStock(ctx.deps, input.id, input.stock)),

  adjustStock: staffProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/products/{id}/stock-adjustments',
        tags: ['inventory'],
        summary: 'Adjust stock by a delta (staff)',
        description: 'Atomic: concurrent adjustments all apply. Stock that would go below 0 is a 409 and nothing changes.',
        protect: true,
      },
    })
    .input(stockAdjustmentInput.extend(idInput.shape))
    .output(productOutput)
    .mutation(({ ctx, input }) => adjustStock(ctx.deps, input.id, input.delta)),

  lowStock: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/inventory/low-stock',
        tags: ['inventory'],
        summary: 'Products low on stock (staff)',
        description:
          'Stock at or below the product\'s `lowStockThreshold`, else the store-wide LOW_STOCK_THRESHOLD; lowest stock first. Archived products are left out.',
        protect: true,
      },
    })
    .input(pageQuery)
    .output(lowStockPageOutput)
    .query(({ ctx, input }) => listLowStock(ctx.deps, input)),
});

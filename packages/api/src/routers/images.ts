import { deleteProductImage, idSchema } from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { router, staffProcedure } from '../trpc';

/** Uploads are not here: they are multipart (uploads.ts); trpc-to-openapi speaks JSON only. */
export const productImagesRouter = router({
  delete: staffProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/products/{id}/images/{imageId}',
        tags: ['catalog'],
        summary: 'Delete a product image (staff)',
        description: 'Removes the image from the product, then its original and renditions from storage.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, input: true },
          { 404: 'No product image with this id on this product' },
        ),
      },
    })
    .input(z.object({ id: idSchema, imageId: idSchema }))
    .output(z.object({ success: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteProductImage(ctx.deps, ctx.actor, { productId: input.id, imageId: input.imageId })),
});

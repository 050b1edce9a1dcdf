import {
  createReview,
  createReviewInput,
  deleteReview,
  idInput,
  listProductReviews,
  listReviews,
  listReviewsInput,
  productReviewsInput,
  reviewOutput,
  reviewPageOutput,
  setReviewStatus,
  setReviewStatusInput,
  successOutput,
  updateReview,
  updateReviewInput,
} from '@commerce/core';
import { errorResponses } from '../errors';
import { publicProcedure, reviewWritingProcedure, router, staffProcedure } from '../trpc';

const tags = ['reviews'];
const notYours = "No review with this id by the caller (another customer's reads as absent)";
const tooMany = 'too many review writes by this user (Retry-After says when to try again)';

export const reviewsRouter = router({
  forProduct: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/products/{id}/reviews',
        tags,
        summary: "A product's approved reviews",
        description:
          '`sort`: `newest` (default), `rating_desc`, `rating_asc` (ties newest first). Text is as the author wrote it: render it as text, never as HTML.',
        protect: false,
        errorResponses: errorResponses({ access: 'public', input: true }, { 404: 'No product for sale with this id' }),
      },
    })
    .input(productReviewsInput)
    .output(reviewPageOutput)
    .query(({ ctx, input }) => listProductReviews(ctx.deps, input)),

  create: reviewWritingProcedure
    .meta({
      reasons: ['ALREADY_REVIEWED'],
      openapi: {
        method: 'POST',
        path: '/products/{id}/reviews',
        tags,
        summary: 'Review a product',
        description:
          '`rating` 1 to 5, `title` up to 200 characters, `body` 1 to 5000, stored exactly as sent. The review is `pending` until staff approve it. One review per customer and product.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            404: 'No product for sale with this id',
            409: 'The caller already reviewed this product (edit that review instead)',
            429: tooMany,
          },
        ),
      },
    })
    .input(createReviewInput)
    .output(reviewOutput)
    .mutation(({ ctx, input }) => createReview(ctx.deps, ctx.viewer, input)),

  list: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/reviews',
        tags,
        summary: 'Reviews of every status, for moderation (staff)',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', input: true }),
      },
    })
    .input(listReviewsInput)
    .output(reviewPageOutput)
    .query(({ ctx, input }) => listReviews(ctx.deps, ctx.viewer, input)),

  // Before update: REST paths are matched in declaration order.
  setStatus: staffProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/reviews/{id}/status',
        tags,
        summary: 'Approve or reject a review (staff)',
        description: "Only approved reviews are public and count in the product's `rating`.",
        protect: true,
        errorResponses: errorResponses({ access: 'staff', mutation: true, body: true }, { 404: 'No review with this id' }),
      },
    })
    .input(setReviewStatusInput)
    .output(reviewOutput)
    .mutation(({ ctx, input }) => setReviewStatus(ctx.deps, ctx.viewer, input)),

  update: reviewWritingProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/reviews/{id}',
        tags,
        summary: 'Edit my review',
        description: 'Any subset of `rating`, `title` (null clears it), `body`. The review goes back to `pending` until staff approve it again.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, body: true }, { 404: notYours, 429: tooMany }),
      },
    })
    .input(updateReviewInput)
    .output(reviewOutput)
    .mutation(({ ctx, input }) => updateReview(ctx.deps, ctx.viewer, input)),

  delete: reviewWritingProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/reviews/{id}',
        tags,
        summary: 'Delete my review',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, input: true }, { 404: notYours, 429: tooMany }),
      },
    })
    .input(idInput)
    .output(successOutput)
    .mutation(({ ctx, input }) => deleteReview(ctx.deps, ctx.viewer, input.id)),
});

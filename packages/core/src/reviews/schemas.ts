import { reviewStatuses } from '@commerce/db';
import { z } from 'zod';
import { idInput, idSchema, pageOutput, pageQuery } from '../pagination';
import { storable } from '../text';

export const reviewSorts = ['newest', 'rating_desc', 'rating_asc'] as const;
export const MAX_REVIEW_TITLE = 200;
export const MAX_REVIEW_BODY = 5000;

export const reviewStatusSchema = z.enum(reviewStatuses);

/**
 * Stored exactly as given (no trimming, no escaping): clients render it as text, never as HTML.
 * Blank text is refused.
 */
const reviewText = (min: number, max: number) =>
  storable(z.string().max(max)).refine((text) => text.trim().length >= min, min > 0 ? 'must not be blank' : 'invalid');

export const ratingSchema = z.number().int().min(1).max(5);

const reviewFields = {
  rating: ratingSchema,
  title: reviewText(0, MAX_REVIEW_TITLE).nullable().optional(),
  body: reviewText(1, MAX_REVIEW_BODY),
};

export const createReviewInput = idInput.extend(reviewFields);
export type CreateReviewInput = z.output<typeof createReviewInput>;

export const updateReviewInput = idInput.extend({
  rating: reviewFields.rating.optional(),
  title: reviewFields.title,
  body: reviewFields.body.optional(),
});
export type UpdateReviewInput = z.output<typeof updateReviewInput>;

export const productReviewsInput = idInput.extend(pageQuery.shape).extend({
  sort: z.enum(reviewSorts).default('newest'),
});
export type ProductReviewsInput = z.output<typeof productReviewsInput>;

export const listReviewsInput = pageQuery.extend({
  status: reviewStatusSchema.optional(),
  productId: idSchema.optional(),
  rating: ratingSchema.optional(),
});
export type ListReviewsInput = z.output<typeof listReviewsInput>;

export const setReviewStatusInput = idInput.extend({ status: z.enum(['approved', 'rejected']) });
export type SetReviewStatusInput = z.output<typeof setReviewStatusInput>;

export const reviewOutput = z.object({
  id: z.number().int(),
  productId: z.number().int(),
  /** The author's name as they set it ("Customer" without one, "Former customer" once the account is closed). */
  userName: z.string(),
  rating: z.number().int(),
  title: z.string().nullable(),
  body: z.string(),
  status: reviewStatusSchema,
  /** The author has an order with this product that was paid (paid, shipped or delivered). */
  verifiedPurchase: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReviewDto = z.output<typeof reviewOutput>;
export const reviewPageOutput = pageOutput(reviewOutput);

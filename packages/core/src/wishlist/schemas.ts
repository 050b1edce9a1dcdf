import { z } from 'zod';
import { idSchema } from '../pagination';

/** Most products one wishlist holds. */
export const MAX_WISHLIST_ITEMS = 200;

export const wishlistItemInput = z.object({ productId: idSchema });

export const wishlistItemOutput = z.object({
  productId: z.number().int(),
  name: z.string(),
  /** Live, from the catalog (the lowest price of the product's active variants). */
  priceCents: z.number().int(),
  currency: z.string(),
  /** For sale now: active, with stock. */
  available: z.boolean(),
  addedAt: z.string(),
});

export const wishlistOutput = z.object({ items: z.array(wishlistItemOutput) });
export type WishlistDto = z.output<typeof wishlistOutput>;

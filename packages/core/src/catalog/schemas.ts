import { z } from 'zod';
import { idSchema, pageQuery, pageOutput, queryBoolean } from '../pagination';

export const productSorts = ['newest', 'price_asc', 'price_desc', 'name'] as const;

const priceCents = z.coerce.number().int().min(0).max(100_000_000);

export const listProductsInput = pageQuery.extend({
  q: z.string().trim().max(200).optional(),
  categoryId: idSchema.optional(),
  minPriceCents: priceCents.optional(),
  maxPriceCents: priceCents.optional(),
  inStock: queryBoolean.optional(),
  /** Staff only; ignored for everyone else, who only ever see active products. */
  active: queryBoolean.optional(),
  sort: z.enum(productSorts).default('newest'),
});
export type ListProductsInput = z.output<typeof listProductsInput>;

export const productImage = z.object({
  url: z.string().trim().url().max(2048),
  alt: z.string().trim().max(300).default(''),
});

export const productOutput = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  priceCents: z.number().int(),
  currency: z.string(),
  stock: z.number().int(),
  isActive: z.boolean(),
  categoryId: z.number().int().nullable(),
  sku: z.string().nullable(),
  images: z.array(z.object({ url: z.string(), alt: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductDto = z.output<typeof productOutput>;

export const productPageOutput = pageOutput(productOutput);

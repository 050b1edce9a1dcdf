import { z } from 'zod';
import { idSchema, pageQuery, pageOutput, queryBoolean } from '../pagination';
import { storable, textSchema as text } from '../text';

export const productSorts = ['newest', 'price_asc', 'price_desc', 'name'] as const;

export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_STOCK = 1_000_000;
export const MAX_IMAGES = 20;

const queryPrice = z.number().int().min(0).max(MAX_PRICE_CENTS);

export const listProductsInput = pageQuery
  .extend({
    q: text(0, 200).optional(),
    categoryId: idSchema.optional(),
    minPriceCents: queryPrice.optional(),
    maxPriceCents: queryPrice.optional(),
    inStock: queryBoolean.optional(),
    /** Staff only; ignored for everyone else, who only ever see active products. */
    active: queryBoolean.optional(),
    sort: z.enum(productSorts).default('newest'),
  })
  .refine((q) => q.minPriceCents === undefined || q.maxPriceCents === undefined || q.minPriceCents <= q.maxPriceCents, {
    path: ['minPriceCents'],
    message: 'minPriceCents must not exceed maxPriceCents',
  });
export type ListProductsInput = z.output<typeof listProductsInput>;

export const productImage = z.object({
  url: storable(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048)),
  alt: text(0, 300).default(''),
});

const stock = z.number().int().min(0).max(MAX_STOCK);
const threshold = z.number().int().min(0).max(MAX_STOCK);

const productFields = {
  name: text(1, 200),
  description: text(0, 10_000),
  priceCents: z.number().int().min(0).max(MAX_PRICE_CENTS),
  stock,
  isActive: z.boolean(),
  categoryId: idSchema.nullable(),
  sku: text(1, 64).nullable(),
  images: z.array(productImage).max(MAX_IMAGES),
  /** Stock at or below this shows on the low-stock list; null uses the store-wide default. */
  lowStockThreshold: threshold.nullable(),
};

export const createProductInput = z.object({
  ...productFields,
  description: productFields.description.default(''),
  isActive: productFields.isActive.default(true),
  categoryId: productFields.categoryId.optional(),
  sku: productFields.sku.optional(),
  images: productFields.images.default([]),
  lowStockThreshold: productFields.lowStockThreshold.optional(),
});
export type CreateProductInput = z.output<typeof createProductInput>;

export const updateProductInput = z.object(productFields).partial();
export type UpdateProductInput = z.output<typeof updateProductInput>;

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

export const categoryInput = z.object({ name: text(1, 100), parentId: idSchema.nullable().optional() });
export type CategoryInput = z.output<typeof categoryInput>;
export const updateCategoryInput = categoryInput.partial();
export type UpdateCategoryInput = z.output<typeof updateCategoryInput>;

export const categoryOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  slug: z.string(),
  parentId: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CategoryDto = z.output<typeof categoryOutput>;

export const setStockInput = z.object({ stock });
export const stockAdjustmentInput = z.object({
  delta: z
    .number()
    .int()
    .min(-MAX_STOCK)
    .max(MAX_STOCK)
    .refine((d) => d !== 0, 'must not be 0'),
});

export const lowStockItemOutput = productOutput.extend({
  /** The product's own threshold, or null when it uses the store-wide one. */
  lowStockThreshold: z.number().int().nullable(),
  /** The threshold that put it on the list. */
  effectiveThreshold: z.number().int(),
});
export type LowStockItemDto = z.output<typeof lowStockItemOutput>;
export const lowStockPageOutput = pageOutput(lowStockItemOutput);

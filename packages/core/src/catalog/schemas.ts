import { z } from 'zod';
import { idSchema, pageQuery, pageOutput, queryBoolean } from '../pagination';
import { storable, textSchema as text } from '../text';
import { productImageOutput } from './images';

export const productSorts = ['newest', 'price_asc', 'price_desc', 'name'] as const;

export const MAX_PRICE_CENTS = 100_000_000;
export const MAX_STOCK = 1_000_000;
export const MAX_IMAGES = 20;

const queryPrice = z.number().int().min(0).max(MAX_PRICE_CENTS);

const productFilterFields = {
  q: text(0, 200).optional(),
  categoryId: idSchema.optional(),
  minPriceCents: queryPrice.optional(),
  maxPriceCents: queryPrice.optional(),
  inStock: queryBoolean.optional(),
  /** Staff only; ignored for everyone else, who only ever see active products. */
  active: queryBoolean.optional(),
};

const priceBoundsInOrder = [
  (q: { minPriceCents?: number | undefined; maxPriceCents?: number | undefined }) =>
    q.minPriceCents === undefined || q.maxPriceCents === undefined || q.minPriceCents <= q.maxPriceCents,
  { path: ['minPriceCents'], message: 'minPriceCents must not exceed maxPriceCents' },
] as [(q: { minPriceCents?: number | undefined; maxPriceCents?: number | undefined }) => boolean, { path: string[]; message: string }];

/** What a product list is filtered by, without its page and order: bulk actions and exports take it too. */
export const productFilterInput = z.object(productFilterFields).refine(...priceBoundsInOrder);
export type ProductFilter = z.output<typeof productFilterInput>;

export const listProductsInput = pageQuery
  .extend({ ...productFilterFields, sort: z.enum(productSorts).default('newest') })
  .refine(...priceBoundsInOrder);
export type ListProductsInput = z.output<typeof listProductsInput>;

/** An outside image, by URL (uploads go through POST /products/{id}/images). */
export const productImage = z.object({
  url: storable(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048)),
  alt: text(0, 300).default(''),
});

export const MAX_OPTIONS = 3;
export const MAX_OPTION_VALUES = 50;
export const MAX_VARIANTS = 100;

const stock = z.number().int().min(0).max(MAX_STOCK);
const threshold = z.number().int().min(0).max(MAX_STOCK);
const price = z.number().int().min(0).max(MAX_PRICE_CENTS);
const sku = text(1, 64);

const distinct = (values: readonly string[]) => new Set(values.map((v) => v.toLowerCase())).size === values.length;

export const productOptionInput = z.object({
  name: text(1, 50),
  values: z
    .array(text(1, 100))
    .min(1)
    .max(MAX_OPTION_VALUES)
    .refine(distinct, 'option values must be distinct'),
});

export const productOptionsInput = z
  .array(productOptionInput)
  .max(MAX_OPTIONS)
  .refine((options) => distinct(options.map((o) => o.name)), 'option names must be distinct');
export type ProductOptionsInput = z.output<typeof productOptionsInput>;

/** Option name → value; checked against the product's options by core (INVALID_OPTION_VALUE). */
const optionValues = z.record(text(1, 50), text(1, 100)).refine((v) => Object.keys(v).length <= MAX_OPTIONS, {
  message: `at most ${MAX_OPTIONS} options`,
});

const variantFields = {
  sku: sku.nullable(),
  /** Shown on cart and order lines; made from the option values ("M / Red") when not given. */
  title: text(1, 200),
  optionValues,
  priceCents: price,
  stock,
  isActive: z.boolean(),
  lowStockThreshold: threshold.nullable(),
};

export const createVariantInput = z.object({
  ...variantFields,
  sku: variantFields.sku.optional(),
  title: variantFields.title.optional(),
  optionValues: variantFields.optionValues.default({}),
  stock: variantFields.stock.default(0),
  isActive: variantFields.isActive.default(true),
  lowStockThreshold: variantFields.lowStockThreshold.optional(),
});
export type CreateVariantInput = z.output<typeof createVariantInput>;

export const updateVariantInput = z.object(variantFields).partial();
export type UpdateVariantInput = z.output<typeof updateVariantInput>;

const productFields = {
  name: text(1, 200),
  description: text(0, 10_000),
  isActive: z.boolean(),
  categoryId: idSchema.nullable(),
  options: productOptionsInput,
  // A product's own variant, for single-variant products: the product routes keep their shape.
  priceCents: price,
  stock,
  sku: sku.nullable(),
  /** Stock at or below this shows on the low-stock list; null uses the store-wide default. */
  lowStockThreshold: threshold.nullable(),
};

export const createProductInput = z
  .object({
    ...productFields,
    description: productFields.description.default(''),
    isActive: productFields.isActive.default(true),
    categoryId: productFields.categoryId.optional(),
    options: productFields.options.default([]),
    priceCents: productFields.priceCents.optional(),
    stock: productFields.stock.optional(),
    sku: productFields.sku.optional(),
    lowStockThreshold: productFields.lowStockThreshold.optional(),
    images: z.array(productImage).max(MAX_IMAGES).default([]),
    /** Several variants at once; without them the product gets one from priceCents, stock and sku. */
    variants: z.array(createVariantInput).min(1).max(MAX_VARIANTS).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.variants) {
      for (const field of ['priceCents', 'stock', 'sku', 'lowStockThreshold'] as const) {
        if (input[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `give ${field} per variant when sending variants` });
        }
      }
    } else {
      if (input.priceCents === undefined) ctx.addIssue({ code: 'custom', path: ['priceCents'], message: 'required' });
      if (input.stock === undefined) ctx.addIssue({ code: 'custom', path: ['stock'], message: 'required' });
      if (input.options.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['variants'], message: 'a product with options needs its variants' });
      }
    }
  });
export type CreateProductInput = z.output<typeof createProductInput>;

/** An image the product keeps (by id, in the new order) or a new outside one (by URL). */
export const productImageRef = z.union([idSchema, productImage]);

export const updateProductInput = z
  .object({
    ...productFields,
    /** The product's images in their new order: ids of its images, or new outside ones; the rest are removed. */
    images: z.array(productImageRef).max(MAX_IMAGES),
  })
  .partial();
export type UpdateProductInput = z.output<typeof updateProductInput>;

export const productOptionOutput = z.object({ name: z.string(), values: z.array(z.string()) });

export const variantOutput = z.object({
  id: z.number().int(),
  productId: z.number().int(),
  sku: z.string().nullable(),
  title: z.string(),
  optionValues: z.record(z.string(), z.string()),
  priceCents: z.number().int(),
  stock: z.number().int(),
  isActive: z.boolean(),
  lowStockThreshold: z.number().int().nullable(),
  images: z.array(productImageOutput),
});
export type VariantDto = z.output<typeof variantOutput>;

/** A product's approved reviews in two numbers; `average` (to two decimals) is null while there are none. */
export const ratingOutput = z.object({
  average: z.number().nullable(),
  count: z.number().int(),
});
export type RatingDto = z.output<typeof ratingOutput>;

export const productOutput = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  /** The lowest price among active variants. */
  priceCents: z.number().int(),
  currency: z.string(),
  /** The stock of active variants, added up. */
  stock: z.number().int(),
  isActive: z.boolean(),
  categoryId: z.number().int().nullable(),
  /** The only variant's sku; null for a product with several variants. */
  sku: z.string().nullable(),
  images: z.array(productImageOutput),
  options: z.array(productOptionOutput),
  /** Active ones for the public; staff see inactive ones too. Archived variants are gone. */
  variants: z.array(variantOutput),
  /** Over approved reviews, kept with every review change (core/reviews). */
  rating: ratingOutput,
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

export const lowStockItemOutput = z.object({
  variantId: z.number().int(),
  productId: z.number().int(),
  /** The product's name. */
  name: z.string(),
  title: z.string(),
  sku: z.string().nullable(),
  stock: z.number().int(),
  isActive: z.boolean(),
  /** The variant's own threshold, or null when it uses the store-wide one. */
  lowStockThreshold: z.number().int().nullable(),
  /** The threshold that put it on the list. */
  effectiveThreshold: z.number().int(),
});
export type LowStockItemDto = z.output<typeof lowStockItemOutput>;
export const lowStockPageOutput = pageOutput(lowStockItemOutput);

/** The most products one live stock stream may follow. */
export const MAX_STREAM_PRODUCTS = 100;

/** `productIds=1,2,3` of GET /api/events/stock. */
export const stockStreamQuery = z.object({
  productIds: z
    .string({ error: 'productIds: comma-separated product ids, e.g. 1,2,3' })
    .regex(/^\d{1,10}(,\d{1,10})*$/, 'productIds: comma-separated product ids, e.g. 1,2,3')
    .transform((value) => [...new Set(value.split(',').map(Number))])
    .refine((ids) => ids.length <= MAX_STREAM_PRODUCTS, `productIds: at most ${MAX_STREAM_PRODUCTS} products`)
    .refine((ids) => ids.every((id) => id >= 1 && id <= 2_147_483_647), 'productIds: ids are positive integers'),
});

/** One variant's figure in the live stock stream, as its `stock` event carries it. */
export const stockFigure = z.object({
  productId: z.number().int(),
  variantId: z.number().int(),
  stock: z.number().int(),
  available: z.boolean(),
});
export type StockFigure = z.output<typeof stockFigure>;

/** The most products one bulk action (or one "everything matching" selection) may change. */
export const MAX_BULK_PRODUCTS = 100_000;
/** The most products a bulk action may name one by one; beyond that, select by filter. */
export const MAX_BULK_IDS = 1000;
export const MIN_PRICE_CHANGE_PERCENT = -90;
export const MAX_PRICE_CHANGE_PERCENT = 1000;

export const bulkProductsInput = z.object({
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('ids'), ids: z.array(idSchema).min(1).max(MAX_BULK_IDS) }),
    /** Every product the staff list shows with this filter (archived ones never). */
    z.object({ kind: z.literal('filter'), filter: productFilterInput }),
  ]),
  action: z.discriminatedUnion('type', [
    z.object({ type: z.literal('activate') }),
    z.object({ type: z.literal('deactivate') }),
    z.object({ type: z.literal('archive') }),
    z.object({ type: z.literal('setCategory'), categoryId: idSchema.nullable() }),
    z.object({
      type: z.literal('changePrice'),
      /** Whole percent applied to every live variant's price, rounded half away from zero to a minor unit. */
      percent: z
        .number()
        .int()
        .min(MIN_PRICE_CHANGE_PERCENT)
        .max(MAX_PRICE_CHANGE_PERCENT)
        .refine((p) => p !== 0, 'must not be 0'),
    }),
  ]),
});
export type BulkProductsInput = z.output<typeof bulkProductsInput>;

/** How many products the action changed (those it would have left as they were are not counted). */
export const bulkProductsOutput = z.object({ changed: z.number().int() });
export type BulkProductsResult = z.output<typeof bulkProductsOutput>;

/** The most rows one products CSV import may hold (the request body limit bounds it too). */
export const MAX_IMPORT_ROWS = 5000;

export const importProductsCsvInput = z.object({
  /** The file's text, header first (see the export for its columns). */
  csv: z.string().min(1, 'the file is empty').max(1_000_000, 'at most 1 MB of CSV per import'),
  /** false: a dry run that only says what would happen; true: do it, in one transaction, unless a row is refused. */
  apply: z.boolean().default(false),
});

const importProblem = z.object({
  /** 1 is the header. */
  line: z.number().int(),
  /** The column at fault, by its header; null when the line itself is unreadable. */
  column: z.string().nullable(),
  message: z.string(),
});
export type ImportProblem = z.output<typeof importProblem>;

export const importPlanOutput = z.object({
  rows: z.number().int(),
  create: z.array(z.object({ line: z.number().int(), sku: z.string(), name: z.string() })),
  update: z.array(z.object({ line: z.number().int(), sku: z.string(), fields: z.array(z.string()) })),
  unchanged: z.number().int(),
  errors: z.array(importProblem),
  /** True once carried out; a file with errors is never applied. */
  applied: z.boolean(),
});
export type ImportPlan = z.output<typeof importPlanOutput>;

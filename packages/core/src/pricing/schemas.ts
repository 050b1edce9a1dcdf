import { couponKinds, orderStatuses } from '@commerce/db';
import { z } from 'zod';
import { idInput, idSchema, pageOutput, pageQuery } from '../pagination';
import { textSchema } from '../text';

const MAX_CENTS = 2_147_483_647;
const centsSchema = z.number().int().min(0).max(MAX_CENTS);
/** ISO 3166-1 alpha-2, upper case: the same rule as a shipping address's `country`. */
export const countrySchema = z
  .string()
  .trim()
  .regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code in upper case, e.g. "US"');

/**
 * A coupon code as typed: 3 to 32 letters, digits, `-` and `_`, read in upper case, so codes
 * are case-insensitive everywhere (lookups, uniqueness, an Idempotency-Key's request).
 */
export const couponCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{3,32}$/, 'a coupon code is 3 to 32 letters, digits, - and _')
  .transform((code) => code.toUpperCase());

const isoDate = z.iso.datetime({ offset: true });

const couponFields = {
  code: couponCodeSchema,
  kind: z.enum(couponKinds),
  /** Percent (1–100) for `percent`, minor units for `fixed`. */
  value: z.number().int().min(1).max(MAX_CENTS),
  minSubtotalCents: centsSchema.nullable().optional(),
  startsAt: isoDate.nullable().optional(),
  endsAt: isoDate.nullable().optional(),
  usageLimit: z.number().int().min(1).max(MAX_CENTS).nullable().optional(),
  perCustomerLimit: z.number().int().min(1).max(MAX_CENTS).nullable().optional(),
  productIds: z.array(idSchema).max(100).optional(),
  categoryIds: z.array(idSchema).max(100).optional(),
  isActive: z.boolean().optional(),
};

type CouponShape = { kind?: 'percent' | 'fixed' | undefined; value?: number | undefined; startsAt?: string | null | undefined; endsAt?: string | null | undefined };
const couponRules = <T extends z.ZodType<CouponShape>>(schema: T) =>
  schema
    .refine((c) => c.kind !== 'percent' || c.value === undefined || c.value <= 100, { message: 'a percent coupon takes 1 to 100', path: ['value'] })
    .refine((c) => !c.startsAt || !c.endsAt || new Date(c.startsAt) < new Date(c.endsAt), { message: 'endsAt must come after startsAt', path: ['endsAt'] });

export const couponInput = couponRules(z.object(couponFields));
export type CouponInput = z.output<typeof couponInput>;

/** PUT /coupons/{id}: the fields sent change, `null` clears an optional one. */
export const updateCouponInput = couponRules(idInput.extend(z.object(couponFields).partial().shape));
export type UpdateCouponInput = z.output<typeof updateCouponInput>;

export const couponOutput = z.object({
  id: z.number().int(),
  code: z.string(),
  kind: z.enum(couponKinds),
  value: z.number().int(),
  minSubtotalCents: z.number().int().nullable(),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  usageLimit: z.number().int().nullable(),
  perCustomerLimit: z.number().int().nullable(),
  productIds: z.array(z.number().int()),
  categoryIds: z.array(z.number().int()),
  isActive: z.boolean(),
  timesUsed: z.number().int().describe('Orders that carry the coupon now (a cancelled unpaid order gives its use back)'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CouponDto = z.output<typeof couponOutput>;

/** GET /coupons/{id}/redemptions: the orders that carry a coupon now, newest first. */
export const couponRedemptionsInput = pageQuery.extend({ id: idSchema });
export type CouponRedemptionsInput = z.output<typeof couponRedemptionsInput>;

export const couponRedemptionOutput = z.object({
  orderId: z.number().int(),
  status: z.enum(orderStatuses),
  customer: z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable() }),
  discountCents: z.number().int().describe('What the coupon took off this order'),
  totalCents: z.number().int(),
  currency: z.string(),
  redeemedAt: z.string(),
});
export type CouponRedemptionDto = z.output<typeof couponRedemptionOutput>;
export const couponRedemptionPageOutput = pageOutput(couponRedemptionOutput);

const shippingFields = {
  name: textSchema(1, 100),
  priceCents: centsSchema,
  freeOverCents: centsSchema.nullable().optional(),
  countries: z.array(countrySchema).min(1).max(250),
  minDays: z.number().int().min(0).max(365),
  maxDays: z.number().int().min(0).max(365),
};
type DaysShape = { minDays?: number | undefined; maxDays?: number | undefined };
const daysRule = <T extends z.ZodType<DaysShape>>(schema: T) =>
  schema.refine((m) => m.minDays === undefined || m.maxDays === undefined || m.minDays <= m.maxDays, {
    message: 'maxDays must be at least minDays',
    path: ['maxDays'],
  });

export const shippingMethodInput = daysRule(z.object(shippingFields));
export type ShippingMethodInput = z.output<typeof shippingMethodInput>;
export const updateShippingMethodInput = daysRule(idInput.extend(z.object(shippingFields).partial().shape));
export type UpdateShippingMethodInput = z.output<typeof updateShippingMethodInput>;

export const shippingMethodOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  priceCents: z.number().int(),
  freeOverCents: z.number().int().nullable(),
  countries: z.array(z.string()),
  minDays: z.number().int(),
  maxDays: z.number().int(),
});
export type ShippingMethodDto = z.output<typeof shippingMethodOutput>;

export const listShippingMethodsInput = z.object({ country: countrySchema.optional() });

/** A rate with up to three decimals: 8.875 (%) is kept as 8875 thousandths of a percent. */
const ratePercentSchema = z
  .number()
  .min(0)
  .max(100)
  .refine((rate) => Number.isInteger(Math.round(rate * 1000)) && Math.abs(rate * 1000 - Math.round(rate * 1000)) < 1e-6, 'at most three decimals');

const taxRateFields = {
  country: countrySchema,
  /** A region as written in addresses (state, province); compared case-insensitively. */
  region: textSchema(1, 100).nullable().optional(),
  ratePercent: ratePercentSchema,
  includesShipping: z.boolean().optional(),
};
export const taxRateInput = z.object(taxRateFields);
export type TaxRateInput = z.output<typeof taxRateInput>;
export const updateTaxRateInput = idInput.extend(z.object(taxRateFields).partial().shape);
export type UpdateTaxRateInput = z.output<typeof updateTaxRateInput>;

export const taxRateOutput = z.object({
  id: z.number().int(),
  country: z.string(),
  region: z.string().nullable(),
  ratePercent: z.number(),
  includesShipping: z.boolean(),
});
export type TaxRateDto = z.output<typeof taxRateOutput>;

/** The shipping method an order or cart carries, as chosen. */
export const chosenShippingMethodOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  minDays: z.number().int(),
  maxDays: z.number().int(),
});

/** What a cart and an order add to their lines: the price breakdown (core/pricing/price.ts). */
export const totalsOutput = z.object({
  subtotalCents: z.number().int(),
  discountCents: z.number().int(),
  shippingCents: z.number().int(),
  taxCents: z.number().int(),
  totalCents: z.number().int().describe('subtotalCents − discountCents + shippingCents + taxCents'),
  couponCode: z.string().nullable(),
  shippingMethod: chosenShippingMethodOutput.nullable(),
});

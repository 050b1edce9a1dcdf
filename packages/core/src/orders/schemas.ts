import { orderStatuses } from '@commerce/db';
import { z } from 'zod';
import { actorKinds } from '../audit/schemas';
import { destinationFields, shippingAddressSchema } from '../addresses/schemas';
import { idInput, idSchema, pageOutput, pageQuery } from '../pagination';
import { couponCodeSchema, totalsOutput } from '../pricing/schemas';
import { textSchema } from '../text';

export const MAX_LINE_QUANTITY = 1000;
export const MAX_ORDER_LINES = 100;

/** A whole number of units on one line. */
export const quantitySchema = z.number().int().min(1).max(MAX_LINE_QUANTITY);

export const orderStatusSchema = z.enum(orderStatuses);

// Where an order goes is the address book's schema (an order may name a saved address instead).
export { shippingAddressSchema } from '../addresses/schemas';

/**
 * Visible ASCII, inner spaces allowed: the same rule for the `Idempotency-Key` header and
 * the tRPC `idempotencyKey` field.
 */
export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, 'use 1 to 255 printable ASCII characters');

/** What an order adds to its lines (POST /orders, checkout): a coupon and a shipping method. */
export const deliveryChoice = z.object({
  couponCode: couponCodeSchema.optional().describe('Case-insensitive; 400 `coupon_invalid` when it does not apply, 409 `coupon_exhausted` when used up'),
  shippingMethodId: idSchema
    .optional()
    .describe('Required when methods ship to the address\'s country (400 `shipping_method_required`); one that does not is a 400'),
});

export const orderLineInput = z.object({
  productId: idSchema,
  /** Required when the product has several active variants. */
  variantId: idSchema.optional(),
  quantity: quantitySchema,
});
export type OrderLineInput = z.output<typeof orderLineInput>;

export const placeOrderInput = z.object({
  items: z.array(orderLineInput).min(1).max(MAX_ORDER_LINES),
  ...destinationFields,
  ...deliveryChoice.shape,
  /** For tRPC callers; REST callers send the `Idempotency-Key` header instead. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type PlaceOrderInput = z.output<typeof placeOrderInput>;

export const listMyOrdersInput = pageQuery.extend({
  status: orderStatusSchema.optional(),
});
export type ListMyOrdersInput = z.output<typeof listMyOrdersInput>;

export const listOrdersInput = listMyOrdersInput.extend({
  userId: idSchema.optional(),
});
export type ListOrdersInput = z.output<typeof listOrdersInput>;

export const setOrderStatusInput = idInput.extend({
  status: orderStatusSchema,
  note: textSchema(0, 500).optional(),
  /** With `status: "shipped"` only: recorded as the order's shipment. */
  carrier: textSchema(1, 100).optional(),
  trackingNumber: textSchema(1, 100).optional(),
});

export const orderItemOutput = z.object({
  productId: z.number().int(),
  variantId: z.number().int(),
  /** As they were when the line was written: a later rename or archive changes nothing here. */
  name: z.string(),
  variantTitle: z.string(),
  sku: z.string().nullable(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
  lineTotalCents: z.number().int(),
  discountCents: z.number().int().describe("This line's share of the discount"),
  taxCents: z.number().int().describe('Tax on the line after its discount'),
});

export const orderOutput = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  status: orderStatusSchema,
  items: z.array(orderItemOutput),
  ...totalsOutput.shape,
  currency: z.string(),
  shippingAddress: shippingAddressSchema.nullable(),
  shipment: z
    .object({ carrier: z.string().nullable(), trackingNumber: z.string().nullable(), shippedAt: z.string() })
    .nullable()
    .describe('Set when the order is shipped'),
  attention: z
    .string()
    .nullable()
    .describe('Why staff must look at this order (a payment of the wrong amount, one refunded after cancellation); null when nothing needs them'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrderDto = z.output<typeof orderOutput>;

export const orderEventOutput = z.object({
  fromStatus: orderStatusSchema.nullable(),
  toStatus: orderStatusSchema,
  actorUserId: z.number().int().nullable(),
  actorKind: z.enum(actorKinds),
  note: z.string().nullable(),
  createdAt: z.string(),
});

/** One order with its timeline: what every single-order endpoint answers. */
export const orderDetailOutput = orderOutput.extend({ events: z.array(orderEventOutput) });
export type OrderDetailDto = z.output<typeof orderDetailOutput>;

export const orderPageOutput = pageOutput(orderOutput);

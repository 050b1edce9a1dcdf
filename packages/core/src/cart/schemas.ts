import { z } from 'zod';
import {
  MAX_LINE_QUANTITY,
  idempotencyKeySchema,
  orderItemOutput,
  quantitySchema,
} from '../orders/schemas';
import { destinationFields, shippingAddressSchema } from '../addresses/schemas';
import { idSchema } from '../pagination';
import { couponCodeSchema, totalsOutput } from '../pricing/schemas';
import { deliveryChoice } from '../orders/schemas';

/** A cart becomes one order, and an order has at most this many lines. */
export const MAX_CART_LINES = 100;

/** A product, and which of its variants (needed when it has several active ones). */
export const cartLineRef = z.object({
  productId: idSchema,
  variantId: idSchema.optional(),
});
export type CartLineRef = z.output<typeof cartLineRef>;

export const addCartItemInput = cartLineRef.extend({
  quantity: quantitySchema,
});
export type AddCartItemInput = z.output<typeof addCartItemInput>;

export const setCartItemInput = cartLineRef.extend({
  /** 0 removes the line. */
  quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY),
});
export type SetCartItemInput = z.output<typeof setCartItemInput>;


/** Checkout takes each of these from its body, else from what PUT /cart/coupon and /cart/delivery stored. */
export const checkoutInput = z.object({
  ...destinationFields,
  ...deliveryChoice.shape,
  /** For tRPC callers; REST callers send the `Idempotency-Key` header instead. */
  idempotencyKey: idempotencyKeySchema.optional(),
});
export type CheckoutInput = z.output<typeof checkoutInput>;

/**
 * Why a line cannot be checked out as it stands: the product was switched off (`inactive`)
 * or deleted (`archived`), has no stock left (`out_of_stock`), or has fewer units than the
 * line asks for (`insufficient_stock`).
 */
export const cartLineReasons = ['inactive', 'archived', 'out_of_stock', 'insufficient_stock'] as const;
export type CartLineReason = (typeof cartLineReasons)[number];

export const cartItemOutput = orderItemOutput.extend({
  available: z.boolean(),
  reason: z.enum(cartLineReasons).nullable(),
});

export const setCartCouponInput = z.object({ code: couponCodeSchema });

/** Where the cart ships: an address typed in or one of the address book's (exactly one), and how. */
export const setCartDeliveryInput = z.object({
  ...destinationFields,
  shippingMethodId: idSchema.optional(),
});
export type SetCartDeliveryInput = z.output<typeof setCartDeliveryInput>;

export const cartOutput = z.object({
  items: z.array(cartItemOutput),
  ...totalsOutput.shape,
  currency: z.string(),
  couponError: z
    .string()
    .nullable()
    .describe('Why the stored coupon does not apply to the cart as it is now (checkout would answer 400 `coupon_invalid`); null when it does or there is none'),
  shippingAddress: shippingAddressSchema.nullable().describe('Where PUT /cart/delivery said to ship; null until then'),
});
export type CartDto = z.output<typeof cartOutput>;

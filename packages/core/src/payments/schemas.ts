import { z } from 'zod';
import { idInput } from '../pagination';

/**
 * Statuses of a `payments` row: opened, money captured, money returned, superseded by another
 * provider's, stopped at the provider because its order was cancelled or expired.
 */
export const paymentStatuses = ['pending', 'succeeded', 'refunded', 'replaced', 'cancelled'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** The providers a storefront may name; each must also be configured on the server. */
export const paymentProviderNames = ['stripe', 'paypal'] as const;

export const payOrderInput = idInput.extend({
  provider: z
    .enum(paymentProviderNames)
    .optional()
    .describe('Which configured provider to pay with; the server default (Stripe when configured) when omitted'),
});
export type PayOrderInput = z.output<typeof payOrderInput>;

export const payOrderOutput = z.object({
  provider: z.string().describe('`stripe`, `paypal`, or `offline` when the store takes no payments itself'),
  paymentIntentId: z
    .string()
    .describe('The provider payment: a Stripe PaymentIntent id, a PayPal order id (for the PayPal JS SDK), or `offline_pi_<orderId>`'),
  clientSecret: z
    .string()
    .nullable()
    .describe('Stripe: for the storefront to confirm the payment with Stripe.js; never store or log it. Null for PayPal'),
  approvalUrl: z
    .string()
    .nullable()
    .describe("PayPal: where the payer approves the payment (or pass `paymentIntentId` to PayPal's JS SDK); the store captures it once PayPal reports the approval. Null for Stripe"),
});
export type PayOrderOutput = z.output<typeof payOrderOutput>;

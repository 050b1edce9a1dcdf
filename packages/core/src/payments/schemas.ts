import { z } from 'zod';

/** Statuses of a `payments` row: opened, money captured, money returned, superseded by another provider's. */
export const paymentStatuses = ['pending', 'succeeded', 'refunded', 'replaced'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const payOrderOutput = z.object({
  provider: z.string().describe('`stripe`, or `offline` when the store takes no card payments'),
  paymentIntentId: z.string().describe('The provider payment (a Stripe PaymentIntent id, or `offline_pi_<orderId>`)'),
  clientSecret: z
    .string()
    .describe('For the storefront to confirm the payment with Stripe.js; never store or log it'),
});
export type PayOrderOutput = z.output<typeof payOrderOutput>;

import Stripe from 'stripe';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock';
import { AppError } from '../errors';
import {
  headerOf,
  callProvider,
  orderIdFromMetadata,
  providerError,
  readEventPart,
  type CreatePaymentInput,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentSession,
  type RefundResult,
  type WebhookHeaders,
} from './provider';

export interface StripeProviderOptions {
  secretKey: string;
  /** `whsec_…`; without it webhooks are refused like on a server without Stripe (404). */
  webhookSecret?: string | undefined;
  /** Another API host (a local fake, stripe-mock); https://api.stripe.com when unset. */
  apiBase?: string | undefined;
  /** Where "now" comes from for the signature's 300 s tolerance. */
  clock?: Clock;
}

/** PaymentIntents through the official SDK; the order id rides along as `metadata.orderId`. */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe';
  readonly webhooks: boolean;
  private readonly stripe: Stripe;
  private readonly webhookSecret: string | undefined;
  private readonly clock: Clock;

  constructor(options: StripeProviderOptions) {
    this.stripe = new Stripe(options.secretKey, {
      ...endpointOf(options.apiBase),
      // The SDK retries connection errors, 409s and 5xx with the same Idempotency-Key, so a
      // retry never opens a second payment or refund.
      maxNetworkRetries: 2,
      // A request thread waits on Stripe (and a refund holds the order's row lock): not 80 s.
      timeout: 20_000,
      appInfo: { name: 'commerce' },
    });
    this.webhookSecret = options.webhookSecret;
    this.webhooks = Boolean(options.webhookSecret);
    this.clock = options.clock ?? systemClock;
  }

  async createPayment({ orderId, amountCents, currency, idempotencyKey }: CreatePaymentInput): Promise<PaymentSession> {
    const intent = await callProvider('Stripe', () =>
      this.stripe.paymentIntents.create(
        {
          amount: amountCents,
          currency: currency.toLowerCase(),
          description: `Order ${orderId}`,
          metadata: { orderId: String(orderId) },
        },
        { idempotencyKey },
      ),
    );
    return sessionOf(intent);
  }

  async resumePayment({ paymentIntentId }: { paymentIntentId: string }): Promise<PaymentSession> {
    return sessionOf(await callProvider('Stripe', () => this.stripe.paymentIntents.retrieve(paymentIntentId)));
  }

  async cancelPayment(paymentIntentId: string): Promise<'cancelled' | 'not_open'> {
    try {
      await this.stripe.paymentIntents.cancel(paymentIntentId, { cancellation_reason: 'abandoned' });
      return 'cancelled';
    } catch (error) {
      // Stripe refuses to cancel an intent that succeeded, is processing, or was cancelled already.
      if (!(error instanceof Stripe.errors.StripeError) || error.code !== 'payment_intent_unexpected_state') throw providerError('Stripe', error);
    }
    const intent = await callProvider('Stripe', () => this.stripe.paymentIntents.retrieve(paymentIntentId));
    return intent.status === 'canceled' ? 'cancelled' : 'not_open';
  }

  async refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult> {
    // Only a succeeded intent holds money. Asking Stripe (rather than trusting our copy of
    // its status) also covers orders staff marked paid before the webhook arrived.
    const intent = await callProvider('Stripe', () => this.stripe.paymentIntents.retrieve(paymentIntentId));
    if (intent.status === 'processing') {
      throw new AppError('PAYMENT_PROCESSING', `The payment ${paymentIntentId} is still processing at Stripe: try again once it has settled`);
    }
    if (intent.status !== 'succeeded') return { status: 'nothing_to_refund' };
    try {
      const refund = await this.stripe.refunds.create({ payment_intent: paymentIntentId }, { idempotencyKey });
      if (refund.status === 'failed' || refund.status === 'canceled') {
        throw new AppError('BAD_GATEWAY', `Stripe could not refund the payment ${paymentIntentId} (refund ${refund.status})`);
      }
      return { status: 'refunded', refundId: refund.id };
    } catch (error) {
      // Refunded already, e.g. from the Stripe dashboard: the money is back, which is the goal.
      if (error instanceof Stripe.errors.StripeError && error.code === 'charge_already_refunded') {
        return { status: 'refunded', refundId: null };
      }
      throw providerError('Stripe', error);
    }
  }

  async parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<PaymentEvent> {
    const signature = headerOf(headers, 'stripe-signature');
    if (!this.webhookSecret) {
      throw new AppError('NOT_FOUND', 'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET)');
    }
    if (!signature) throw new AppError('BAD_REQUEST', 'Missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      // Default tolerance (300 s), measured against the injectable clock.
      event = this.stripe.webhooks.constructEvent(
        rawBody,
        signature,
        this.webhookSecret,
        undefined,
        undefined,
        this.clock.now().getTime(),
      );
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
        // The SDK's first sentence says which check failed; the rest is advice about raw bodies.
        const reason = error.message.split(/(?<=\.)\s/)[0] ?? error.message;
        throw new AppError('BAD_REQUEST', `Invalid Stripe-Signature: ${reason}`);
      }
      throw new AppError('BAD_REQUEST', 'The webhook body is not a Stripe event');
    }
    return eventOf(event);
  }
}

function sessionOf(intent: Stripe.PaymentIntent): PaymentSession {
  if (!intent.client_secret) {
    throw new AppError('BAD_GATEWAY', `Stripe answered the payment ${intent.id} without a client secret`);
  }
  return { paymentIntentId: intent.id, clientSecret: intent.client_secret, approvalUrl: null };
}

/** The SDK's host/port/protocol from a base URL such as http://127.0.0.1:12111. */
function endpointOf(apiBase: string | undefined): { host?: string; port?: number; protocol?: 'http' | 'https' } {
  if (!apiBase) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
  };
}

const stripeId = z.string().min(1).max(255);
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z
  .string()
  .regex(/^[a-zA-Z]{3}$/)
  .transform((code) => code.toUpperCase());
const metadata = z.record(z.string(), z.unknown()).nullish();

/** What every Stripe event has; a signed body without it is refused (400), not a 500. */
const envelope = z.object({
  id: stripeId,
  type: z.string().min(1).max(255),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const intentObject = z.object({
  id: stripeId,
  amount,
  amount_received: amount.nullish(),
  currency,
  metadata,
  last_payment_error: z
    .object({ code: z.string().max(255).nullish(), decline_code: z.string().max(255).nullish(), message: z.string().max(2000).nullish() })
    .nullish(),
});

const chargeObject = z.object({
  id: stripeId,
  amount,
  currency,
  refunded: z.boolean(),
  metadata,
  payment_intent: z.union([stripeId, z.object({ id: stripeId }).loose()]).nullish(),
});


/**
 * The event types the store acts on; every other type comes back with no effect. A used type
 * whose object lacks what the store needs is refused (400): Stripe shows it in the dashboard
 * and retries, where a 500 would look like our outage.
 */
export function eventOf(event: Stripe.Event): PaymentEvent {
  const { id, type, data } = readEventPart(envelope, event, "The Stripe event's envelope");
  const base: PaymentEvent = { id, type, effect: null, paymentIntentId: null, orderId: null, amountCents: null, currency: null };
  if (type === 'payment_intent.succeeded' || type === 'payment_intent.payment_failed') {
    const intent = readEventPart(intentObject, data.object, "The Stripe event's payment_intent");
    const found = {
      ...base,
      paymentIntentId: intent.id,
      orderId: orderIdFromMetadata(intent.metadata?.orderId),
      currency: intent.currency,
    };
    if (type === 'payment_intent.succeeded') return { ...found, effect: 'paid', amountCents: intent.amount_received ?? intent.amount };
    const error = intent.last_payment_error;
    const reason = [error?.code, error?.decline_code, error?.message].filter(Boolean).join(': ');
    return { ...found, effect: 'failed', amountCents: intent.amount, note: reason || 'the payment failed' };
  }
  if (type === 'charge.refunded') {
    const charge = readEventPart(chargeObject, data.object, "The Stripe event's charge");
    const intent = charge.payment_intent;
    const found = {
      ...base,
      paymentIntentId: typeof intent === 'string' ? intent : (intent?.id ?? null),
      orderId: orderIdFromMetadata(charge.metadata?.orderId),
      amountCents: charge.amount,
      currency: charge.currency,
    };
    // Stripe sends charge.refunded for partial refunds too; only a full one refunds the order.
    return charge.refunded ? { ...found, effect: 'refunded' } : { ...found, note: 'partial refund: the order is unchanged' };
  }
  return base;
}

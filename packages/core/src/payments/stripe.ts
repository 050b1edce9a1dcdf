import Stripe from 'stripe';
import { systemClock, type Clock } from '../clock';
import { AppError } from '../errors';
import {
  orderIdFromMetadata,
  type CreatePaymentInput,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentSession,
  type RefundResult,
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
    const intent = await this.call(() =>
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
    return sessionOf(await this.call(() => this.stripe.paymentIntents.retrieve(paymentIntentId)));
  }

  async refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult> {
    // Only a succeeded intent holds money. Asking Stripe (rather than trusting our copy of
    // its status) also covers orders staff marked paid before the webhook arrived.
    const intent = await this.call(() => this.stripe.paymentIntents.retrieve(paymentIntentId));
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
      throw providerError(error);
    }
  }

  async parseWebhook(rawBody: Buffer, signature: string | undefined): Promise<PaymentEvent> {
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

  /** Stripe's failures (network, 5xx after retries, refusals) are the provider's, not the caller's. */
  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw providerError(error);
    }
  }
}

function providerError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('BAD_GATEWAY', 'The payment provider (Stripe) failed or refused the request; try again later', {}, { cause: error });
}

function sessionOf(intent: Stripe.PaymentIntent): PaymentSession {
  if (!intent.client_secret) {
    throw new AppError('BAD_GATEWAY', `Stripe answered the payment ${intent.id} without a client secret`);
  }
  return { paymentIntentId: intent.id, clientSecret: intent.client_secret };
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

const upper = (currency: unknown) => (typeof currency === 'string' ? currency.toUpperCase() : null);
const cents = (amount: unknown) => (typeof amount === 'number' && Number.isInteger(amount) ? amount : null);

/** The two event types the store acts on; every other type comes back with no effect. */
export function eventOf(event: Stripe.Event): PaymentEvent {
  const base: PaymentEvent = {
    id: event.id,
    type: event.type,
    effect: null,
    paymentIntentId: null,
    orderId: null,
    amountCents: null,
    currency: null,
  };
  if (event.type === 'payment_intent.succeeded') {
    const intent = event.data.object;
    return {
      ...base,
      effect: 'paid',
      paymentIntentId: typeof intent.id === 'string' ? intent.id : null,
      orderId: orderIdFromMetadata(intent.metadata?.orderId),
      amountCents: cents(intent.amount_received) ?? cents(intent.amount),
      currency: upper(intent.currency),
    };
  }
  if (event.type === 'charge.refunded') {
    const charge = event.data.object;
    const intent = charge.payment_intent;
    const paymentIntentId = typeof intent === 'string' ? intent : (intent?.id ?? null);
    const found = {
      ...base,
      paymentIntentId,
      orderId: orderIdFromMetadata(charge.metadata?.orderId),
      amountCents: cents(charge.amount),
      currency: upper(charge.currency),
    };
    // Stripe sends charge.refunded for partial refunds too; only a full one refunds the order.
    return charge.refunded ? { ...found, effect: 'refunded' } : { ...found, note: 'partial refund: the order is unchanged' };
  }
  return base;
}

import { z } from 'zod';
import { AppError } from '../errors';

/**
 * What the store needs from a payment provider. Several may be configured at once (Stripe,
 * PayPal, or the offline provider alone); apps/server/src/deps.ts builds them into one
 * PaymentProviders registry, and core reaches each only through this interface.
 */
export interface PaymentProvider {
  /** Stored with each payment (`payments.provider`), chosen by POST /orders/{id}/pay, and the webhook path's last segment. */
  readonly name: string;
  /**
   * Whether the provider reports payments by signed webhooks. Without them (offline) nobody
   * tells the store that money arrived: staff mark orders paid by hand.
   */
  readonly webhooks: boolean;

  /**
   * Opens a payment of `amountCents` for an order. The same `idempotencyKey` must answer the
   * same payment, so a retried or concurrent /pay opens one.
   */
  createPayment(input: CreatePaymentInput): Promise<PaymentSession>;

  /** What the storefront needs for a payment opened earlier (secrets are not stored: they can pay). */
  resumePayment(input: { orderId: number; paymentIntentId: string }): Promise<PaymentSession>;

  /**
   * Makes an open payment unpayable, for an order that was cancelled or expired. `cancelled`
   * when it can no longer take money; `not_open` when it already did (or is taking it): the
   * provider's success event then reaches a cancelled order and is refunded. Safe to repeat.
   */
  cancelPayment(paymentIntentId: string): Promise<'cancelled' | 'not_open'>;

  /**
   * Takes the money of a payment the payer approved, for providers where approving and
   * capturing are separate steps (an `approved` event). The same `idempotencyKey` captures once.
   */
  capturePayment?(paymentIntentId: string, idempotencyKey: string): Promise<CaptureResult>;

  /**
   * Gives the captured money back. The same `idempotencyKey` never refunds twice. Resolves
   * with `nothing_to_refund` when no money was captured, and with `refunded` when it already
   * went back (e.g. through the provider's dashboard). Throws AppError BAD_GATEWAY when the
   * provider fails or refuses.
   */
  refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult>;

  /**
   * Verifies a webhook over the exact bytes received (and the headers the provider signs) and
   * reads the event. Throws AppError BAD_REQUEST for a missing, bad or expired signature, or a
   * body that is not an event; an event whose fields the store cannot read comes back with no
   * effect and a note, so it is answered 200 and ignored.
   */
  parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<PaymentEvent>;
}

/** Request headers as Fastify hands them over (lower-case names). */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

/** One header's value, the first when repeated. */
export const headerOf = (headers: WebhookHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export interface CreatePaymentInput {
  orderId: number;
  amountCents: number;
  /** ISO 4217, as stored with the order. */
  currency: string;
  idempotencyKey: string;
}

export interface PaymentSession {
  /** The provider's payment: a Stripe PaymentIntent id, a PayPal order id. */
  paymentIntentId: string;
  /** For providers confirmed in the browser with a secret (Stripe.js); null otherwise. */
  clientSecret: string | null;
  /** For providers where the payer approves on the provider's page (PayPal); null otherwise. */
  approvalUrl: string | null;
}

export type RefundResult = { status: 'refunded'; refundId: string | null } | { status: 'nothing_to_refund' };

/** A capture's outcome: `completed` with what was taken, or `failed` (declined) with why. */
export type CaptureResult =
  | { status: 'completed'; amountCents: number | null; currency: string | null }
  | { status: 'failed'; reason: string };

/**
 * What an event means for an order; null for the events the store does not use.
 * `approved`: the payer approved and the store must capture; `failed`: an attempt to pay failed.
 */
export type PaymentEffect = 'paid' | 'refunded' | 'failed' | 'approved';

/** A provider's webhook event, reduced to what the store acts on. */
export interface PaymentEvent {
  /** The provider's event id: an event is applied once per id, however often it is sent. */
  id: string;
  /** The provider's event type, e.g. `payment_intent.succeeded` (stored and logged). */
  type: string;
  effect: PaymentEffect | null;
  paymentIntentId: string | null;
  /** The order id the store put in the payment's metadata, when present and well-formed. */
  orderId: number | null;
  /** The payment's amount and currency, when the event carries them. */
  amountCents: number | null;
  currency: string | null;
  /** Why an event of a used type still has no effect (a partial refund), or why a payment failed. */
  note?: string;
}

/** Postgres `integer` ids only: metadata comes from outside and must not overflow a query. */
export function orderIdFromMetadata(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : null;
}

/** A part of a signed event, validated: what the store cannot read is a 400, never a 500. */
export function readEventPart<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new AppError('BAD_REQUEST', `${what} is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

/** A provider's failure (network, 5xx after retries, a refusal) is the provider's, not the caller's: a 502. */
export function providerError(providerLabel: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('BAD_GATEWAY', `The payment provider (${providerLabel}) failed or refused the request; try again later`, {}, { cause: error });
}

/** Runs a provider call, turning its failures into providerError. */
export async function callProvider<T>(providerLabel: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw providerError(providerLabel, error);
  }
}

/**
 * What the store needs from a payment provider. One adapter is chosen at start-up
 * (apps/server/src/deps.ts): Stripe when STRIPE_SECRET_KEY is set, else the offline provider.
 */
export interface PaymentProvider {
  /** Stored with each payment (`payments.provider`) and answered by POST /orders/{id}/pay. */
  readonly name: string;
  /**
   * Whether the provider reports payments by signed webhooks. Without them (offline) nobody
   * tells the store that money arrived: staff mark orders paid by hand.
   */
  readonly webhooks: boolean;

  /**
   * Opens a payment of `amountCents` for an order. The same `idempotencyKey` must answer the
   * same payment (Stripe replays it for 24 hours), so a retried or concurrent /pay opens one.
   */
  createPayment(input: CreatePaymentInput): Promise<PaymentSession>;

  /** The client secret of a payment opened earlier (secrets are not stored: they can pay). */
  resumePayment(input: { orderId: number; paymentIntentId: string }): Promise<PaymentSession>;

  /**
   * Gives the captured money back. The same `idempotencyKey` never refunds twice. Resolves
   * with `nothing_to_refund` when no money was captured, and with `refunded` when it already
   * went back (e.g. through the provider's dashboard). Throws AppError BAD_GATEWAY when the
   * provider fails or refuses.
   */
  refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult>;

  /**
   * Verifies a webhook's signature over the exact bytes received and reads the event.
   * Throws AppError BAD_REQUEST for a missing, bad or expired signature, or a body that is
   * not an event.
   */
  parseWebhook(rawBody: Buffer, signature: string | undefined): Promise<PaymentEvent>;
}

export interface CreatePaymentInput {
  orderId: number;
  amountCents: number;
  /** ISO 4217, as stored with the order. */
  currency: string;
  idempotencyKey: string;
}

export interface PaymentSession {
  paymentIntentId: string;
  /** Handed to the storefront, which confirms the payment with the provider's client library. */
  clientSecret: string;
}

export type RefundResult = { status: 'refunded'; refundId: string | null } | { status: 'nothing_to_refund' };

/** What an event means for an order; null for the events the store does not use. */
export type PaymentEffect = 'paid' | 'refunded';

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
  /** Why an event of a used type still has no effect (a partial refund), for the logs. */
  note?: string;
}

/** Postgres `integer` ids only: metadata comes from outside and must not overflow a query. */
export function orderIdFromMetadata(value: unknown): number | null {
  if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value)) return null;
  const id = Number(value);
  return id <= 2_147_483_647 ? id : null;
}

import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import {
  ApiError,
  CheckoutPaymentIntent,
  Client,
  Environment,
  OrdersController,
  PaymentsController,
  type Order,
} from '@paypal/paypal-server-sdk';
import { z } from 'zod';
import { AppError } from '../errors';
import {
  headerOf,
  callProvider,
  orderIdFromMetadata,
  providerError,
  readEventPart,
  type CaptureResult,
  type CreatePaymentInput,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentSession,
  type RefundResult,
  type WebhookHeaders,
} from './provider';

export interface PayPalProviderOptions {
  clientId: string;
  clientSecret: string;
  /** The id PayPal gave the webhook endpoint; without it webhooks are refused (404). */
  webhookId?: string | undefined;
  /** PayPal's sandbox (the default) or its live API. */
  environment?: 'sandbox' | 'production';
  /**
   * Another API host for PayPal's calls (a local fake in tests). The SDK knows only PayPal's
   * own two hosts, so its connections are opened to this base instead (plain TCP for http://).
   */
  apiBase?: string | undefined;
}

/** Currencies PayPal takes without decimals (https://developer.paypal.com/reference/currency-codes/). */
const WHOLE_UNIT_CURRENCIES = new Set(['HUF', 'JPY', 'TWD']);

/** Minor units to PayPal's decimal string: 1250 USD → "12.50", 1250 JPY → "1250". */
export function toPayPalValue(amountCents: number, currency: string): string {
  if (WHOLE_UNIT_CURRENCIES.has(currency)) return String(amountCents);
  return `${Math.floor(amountCents / 100)}.${String(amountCents % 100).padStart(2, '0')}`;
}

/** PayPal's decimal string back to minor units; null for anything else (never a float). */
export function fromPayPalValue(value: string, currency: string): number | null {
  const match = WHOLE_UNIT_CURRENCIES.has(currency) ? /^(\d{1,12})$/.exec(value) : /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return null;
  const units = Number(match[1]);
  if (WHOLE_UNIT_CURRENCIES.has(currency)) return units;
  return units * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}

/**
 * PayPal Orders v2 through PayPal's official server SDK. /pay creates a PayPal order for the
 * store order's total (`custom_id` carries the store order id); the payer approves it on
 * PayPal; PayPal's CHECKOUT.ORDER.APPROVED webhook makes the store capture it (only while the
 * store order is still pending, so an expired order is never charged), and the capture marks
 * the order paid. Refunds go to the capture. Webhooks are checked by PayPal itself, through
 * its verify-webhook-signature call.
 */
export class PayPalPaymentProvider implements PaymentProvider {
  readonly name = 'paypal';
  readonly webhooks: boolean;
  private readonly client: Client;
  private readonly orders: OrdersController;
  private readonly paymentsApi: PaymentsController;
  private readonly webhookId: string | undefined;

  constructor(options: PayPalProviderOptions) {
    this.client = new Client({
      clientCredentialsAuthCredentials: { oAuthClientId: options.clientId, oAuthClientSecret: options.clientSecret },
      environment: options.environment === 'production' ? Environment.Production : Environment.Sandbox,
      // A request thread waits on PayPal (a capture or refund holds the order's row lock).
      timeout: 20_000,
      httpClientOptions: {
        // Every POST carries a PayPal-Request-Id, so retrying one never captures or refunds twice.
        retryConfig: { maxNumberOfRetries: 2, httpMethodsToRetry: ['GET', 'POST'] },
        ...(options.apiBase && { httpsAgent: new RedirectingAgent(new URL(options.apiBase)) }),
      },
    });
    this.orders = new OrdersController(this.client);
    this.paymentsApi = new PaymentsController(this.client);
    this.webhookId = options.webhookId;
    this.webhooks = Boolean(options.webhookId);
  }

  async createPayment({ orderId, amountCents, currency, idempotencyKey }: CreatePaymentInput): Promise<PaymentSession> {
    const { result } = await callProvider('PayPal', () =>
      this.orders.createOrder({
        paypalRequestId: idempotencyKey,
        prefer: 'return=representation',
        body: {
          intent: CheckoutPaymentIntent.Capture,
          purchaseUnits: [
            {
              referenceId: `order-${orderId}`,
              customId: String(orderId),
              description: `Order ${orderId}`,
              amount: { currencyCode: currency, value: toPayPalValue(amountCents, currency) },
            },
          ],
        },
      }),
    );
    return sessionOf(result);
  }

  async resumePayment({ paymentIntentId }: { paymentIntentId: string }): Promise<PaymentSession> {
    const { result } = await callProvider('PayPal', () => this.orders.getOrder({ id: paymentIntentId }));
    return sessionOf(result);
  }

  /**
   * PayPal has no call that voids an unapproved order (it lapses by itself), and the store
   * never captures one whose store order is no longer pending: so an order that holds no
   * capture can take no money through this store any more.
   */
  async cancelPayment(paymentIntentId: string): Promise<'cancelled' | 'not_open'> {
    const { result } = await callProvider('PayPal', () => this.orders.getOrder({ id: paymentIntentId }));
    return captureOf(result) ? 'not_open' : 'cancelled';
  }

  async capturePayment(paymentIntentId: string, idempotencyKey: string): Promise<CaptureResult> {
    let order: Order;
    try {
      ({ result: order } = await this.orders.captureOrder({
        id: paymentIntentId,
        paypalRequestId: idempotencyKey,
        prefer: 'return=representation',
      }));
    } catch (error) {
      const issue = issueOf(error);
      // Captured already (a retry after the answer was lost): read what was captured.
      if (issue === 'ORDER_ALREADY_CAPTURED') {
        ({ result: order } = await callProvider('PayPal', () => this.orders.getOrder({ id: paymentIntentId })));
      } else if (issue && error instanceof ApiError && error.statusCode === 422) {
        // The payer's funding was refused (INSTRUMENT_DECLINED…), or the order is not approved.
        return { status: 'failed', reason: issue };
      } else {
        throw providerError('PayPal', error);
      }
    }
    const capture = captureOf(order);
    if (!capture || capture.status !== 'COMPLETED') {
      return { status: 'failed', reason: `capture ${capture?.status ?? 'missing'}` };
    }
    const currency = capture.amount?.currencyCode ?? null;
    return {
      status: 'completed',
      currency,
      amountCents: capture.amount && currency ? fromPayPalValue(capture.amount.value, currency) : null,
    };
  }

  async refund(paymentIntentId: string, idempotencyKey: string): Promise<RefundResult> {
    const { result: order } = await callProvider('PayPal', () => this.orders.getOrder({ id: paymentIntentId }));
    const capture = captureOf(order);
    if (!capture?.id || (capture.status !== 'COMPLETED' && capture.status !== 'REFUNDED' && capture.status !== 'PARTIALLY_REFUNDED')) {
      return { status: 'nothing_to_refund' };
    }
    if (capture.status === 'REFUNDED') return { status: 'refunded', refundId: null };
    try {
      const { result } = await this.paymentsApi.refundCapturedPayment({ captureId: capture.id, paypalRequestId: idempotencyKey });
      return { status: 'refunded', refundId: result.id ?? null };
    } catch (error) {
      // Refunded already, e.g. from PayPal's dashboard: the money is back, which is the goal.
      if (issueOf(error) === 'CAPTURE_FULLY_REFUNDED') return { status: 'refunded', refundId: null };
      throw providerError('PayPal', error);
    }
  }

  async parseWebhook(rawBody: Buffer, headers: WebhookHeaders): Promise<PaymentEvent> {
    if (!this.webhookId) throw new AppError('NOT_FOUND', 'PayPal webhooks are not configured on this server (PAYPAL_WEBHOOK_ID)');
    const transmission = transmissionHeaders.safeParse({
      auth_algo: headerOf(headers, 'paypal-auth-algo'),
      cert_url: headerOf(headers, 'paypal-cert-url'),
      transmission_id: headerOf(headers, 'paypal-transmission-id'),
      transmission_sig: headerOf(headers, 'paypal-transmission-sig'),
      transmission_time: headerOf(headers, 'paypal-transmission-time'),
    });
    if (!transmission.success) {
      throw new AppError('BAD_REQUEST', `Missing or malformed PayPal transmission headers (${transmission.error.issues[0]?.path.join('.')})`);
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new AppError('BAD_REQUEST', 'The webhook body is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('BAD_REQUEST', 'The webhook body is not a PayPal event');
    await this.verify({ ...transmission.data, webhook_id: this.webhookId, webhook_event: body });
    return this.eventOf(readEnvelope(body));
  }

  /** PayPal's own check of the signature (verify-webhook-signature), through the SDK's authenticated client. */
  private async verify(request: Record<string, unknown>) {
    const builder = this.client.getRequestBuilderFactory()('POST', '/v1/notifications/verify-webhook-signature');
    builder.header('Content-Type', 'application/json');
    builder.json(request);
    builder.authenticate([{ oauth2: true }]);
    const { body } = await callProvider('PayPal', () => builder.callAsText());
    const parsed = verification.safeParse(safeJson(body));
    if (!parsed.success) throw new AppError('BAD_GATEWAY', 'PayPal answered verify-webhook-signature with something unexpected');
    if (parsed.data.verification_status !== 'SUCCESS') throw new AppError('BAD_REQUEST', 'Invalid PayPal webhook signature');
  }

  /** The event types the store acts on; others come back with no effect. */
  private async eventOf(event: Envelope): Promise<PaymentEvent> {
    const base: PaymentEvent = { id: event.id, type: event.event_type, effect: null, paymentIntentId: null, orderId: null, amountCents: null, currency: null };
    switch (event.event_type) {
      case 'CHECKOUT.ORDER.APPROVED': {
        const order = readEventPart(orderResource, event.resource, "The PayPal event's order");
        const unit = order.purchase_units[0];
        return { ...base, effect: 'approved', paymentIntentId: order.id, orderId: orderIdFromMetadata(unit?.custom_id), ...money(unit?.amount) };
      }
      case 'PAYMENT.CAPTURE.COMPLETED':
      case 'PAYMENT.CAPTURE.DENIED':
      case 'PAYMENT.CAPTURE.DECLINED': {
        const capture = readEventPart(captureResource, event.resource, "The PayPal event's capture");
        const found = {
          ...base,
          paymentIntentId: capture.supplementary_data?.related_ids?.order_id ?? null,
          orderId: orderIdFromMetadata(capture.custom_id),
          ...money(capture.amount),
        };
        if (event.event_type === 'PAYMENT.CAPTURE.COMPLETED') return { ...found, effect: 'paid' };
        return { ...found, effect: 'failed', note: `capture ${capture.status ?? event.event_type}` };
      }
      case 'PAYMENT.CAPTURE.REFUNDED': {
        const refund = readEventPart(refundResource, event.resource, "The PayPal event's refund");
        // A refund names its capture, not the PayPal order the store keeps: ask PayPal for it.
        const captureId = refund.links?.find((link) => link.rel === 'up')?.href.split('/').pop();
        const paymentIntentId = captureId ? await this.orderOfCapture(captureId) : null;
        // The total refunded so far decides whether the whole payment went back.
        const total = refund.seller_payable_breakdown?.total_refunded_amount ?? refund.amount;
        return { ...base, effect: 'refunded', paymentIntentId, orderId: orderIdFromMetadata(refund.custom_id), ...money(total) };
      }
      default:
        return base;
    }
  }

  private async orderOfCapture(captureId: string): Promise<string | null> {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(captureId)) return null;
    const { result } = await callProvider('PayPal', () => this.paymentsApi.getCapturedPayment({ captureId }));
    return result.supplementaryData?.relatedIds?.orderId ?? null;
  }

}

/** PayPal's error name (`ORDER_ALREADY_CAPTURED`…) from an SDK error: the first issue, else the error's name. */
function issueOf(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const parsed = apiErrorBody.safeParse(safeJson(error.body));
  if (!parsed.success) return null;
  return parsed.data.details?.[0]?.issue ?? parsed.data.name ?? null;
}

function safeJson(text: unknown): unknown {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sessionOf(order: Order): PaymentSession {
  if (!order.id) throw new AppError('BAD_GATEWAY', 'PayPal answered an order without an id');
  const approval = order.links?.find((link) => link.rel === 'payer-action' || link.rel === 'approve');
  return { paymentIntentId: order.id, clientSecret: null, approvalUrl: approval?.href ?? null };
}

const captureOf = (order: Order) => order.purchaseUnits?.[0]?.payments?.captures?.[0];

/**
 * An https.Agent whose connections all go to `target` (TLS only when it is https://), for
 * PAYPAL_API_BASE: the SDK still builds PayPal's URLs, the bytes reach the configured host.
 */
class RedirectingAgent extends https.Agent {
  constructor(private readonly target: URL) {
    super({ keepAlive: true });
  }

  override createConnection(): Duplex {
    const host = this.target.hostname.replace(/^\[(.*)\]$/, '$1');
    const secure = this.target.protocol === 'https:';
    const port = this.target.port ? Number(this.target.port) : secure ? 443 : 80;
    return secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
  }
}

const paypalId = z.string().min(1).max(255);
const moneySchema = z.object({ currency_code: z.string().regex(/^[A-Z]{3}$/), value: z.string().max(32) });

/** Amount and currency of a PayPal money object; an unreadable value is a null amount (never a wrong one). */
function money(amount: z.output<typeof moneySchema> | undefined): { amountCents: number | null; currency: string | null } {
  if (!amount) return { amountCents: null, currency: null };
  return { amountCents: fromPayPalValue(amount.value, amount.currency_code), currency: amount.currency_code };
}

const transmissionHeaders = z.object({
  auth_algo: z.string().min(1).max(100),
  cert_url: z.string().url().max(2000),
  transmission_id: z.string().min(1).max(200),
  transmission_sig: z.string().min(1).max(4000),
  transmission_time: z.string().min(1).max(100),
});

const envelope = z.object({
  id: paypalId,
  event_type: z.string().min(1).max(255),
  resource: z.record(z.string(), z.unknown()),
});
type Envelope = z.output<typeof envelope>;

const orderResource = z.object({
  id: paypalId,
  purchase_units: z
    .array(z.object({ custom_id: z.string().max(127).nullish(), amount: moneySchema }))
    .min(1)
    .max(10),
});

const captureResource = z.object({
  id: paypalId,
  status: z.string().max(64).nullish(),
  custom_id: z.string().max(127).nullish(),
  amount: moneySchema.nullish().transform((v) => v ?? undefined),
  supplementary_data: z.object({ related_ids: z.object({ order_id: paypalId.nullish().transform((v) => v ?? null) }).nullish() }).nullish(),
});

const refundResource = z.object({
  id: paypalId,
  custom_id: z.string().max(127).nullish(),
  amount: moneySchema.nullish().transform((v) => v ?? undefined),
  seller_payable_breakdown: z
    .object({ total_refunded_amount: moneySchema.nullish().transform((v) => v ?? undefined) })
    .nullish(),
  links: z.array(z.object({ href: z.string().max(2000), rel: z.string().max(64) })).max(20).nullish(),
});

const verification = z.object({ verification_status: z.string().max(32) });
const apiErrorBody = z.object({ name: z.string().optional(), details: z.array(z.object({ issue: z.string() })).optional() });

function readEnvelope(body: unknown): Envelope {
  return readEventPart(envelope, body, "The PayPal event's envelope");
}


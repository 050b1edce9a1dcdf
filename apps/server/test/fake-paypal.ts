import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequest } from './fake-http';

/**
 * A local stand-in for the part of PayPal's REST API the store calls, so tests run PayPal's
 * official server SDK (OAuth, JSON mapping, errors) against it:
 *   POST /v1/oauth2/token, POST /v2/checkout/orders, GET /v2/checkout/orders/:id,
 *   POST /v2/checkout/orders/:id/capture, GET /v2/payments/captures/:id,
 *   POST /v2/payments/captures/:id/refund, POST /v1/notifications/verify-webhook-signature.
 * The SDK only knows PayPal's own hosts; with PAYPAL_API_BASE its connections come here.
 * Like PayPal it checks the client credentials and the bearer token, replays a repeated
 * `PayPal-Request-Id` with the first answer, and answers 422 with PayPal's issue names
 * (ORDER_NOT_APPROVED, ORDER_ALREADY_CAPTURED, CAPTURE_FULLY_REFUNDED, INSTRUMENT_DECLINED).
 * Webhook deliveries are signed with an HMAC over the transmission and the event, which its
 * verify-webhook-signature checks (the real one checks PayPal's certificate signature).
 */

export interface FakeMoney {
  currency_code: string;
  value: string;
}

export interface FakeCapture {
  id: string;
  status: 'COMPLETED' | 'REFUNDED';
  amount: FakeMoney;
  final_capture: true;
  custom_id?: string;
  supplementary_data: { related_ids: { order_id: string } };
  create_time: string;
  update_time: string;
}

export interface FakeOrder {
  id: string;
  intent: 'CAPTURE';
  status: 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED';
  purchase_units: Array<{
    reference_id?: string;
    custom_id?: string;
    description?: string;
    amount: FakeMoney;
    payments?: { captures: FakeCapture[] };
  }>;
  links: Array<{ href: string; rel: string; method: string }>;
  create_time: string;
}

export interface PayPalRequest {
  method: string;
  path: string;
  requestId: string | undefined;
  replayed: boolean;
}

export interface PayPalEvent {
  id: string;
  event_version: '1.0';
  create_time: string;
  resource_type: string;
  event_type: string;
  summary: string;
  resource: unknown;
}

export interface FakePayPal {
  /** For PAYPAL_API_BASE. */
  apiBase: string;
  clientId: string;
  clientSecret: string;
  webhookId: string;
  orders: Map<string, FakeOrder>;
  captures: Map<string, FakeCapture>;
  refunds: Array<{ id: string; captureId: string }>;
  requests: PayPalRequest[];
  /** The payer approves the order on PayPal. Answers the CHECKOUT.ORDER.APPROVED event. */
  approve(orderId: string): PayPalEvent;
  /** The next capture of this order is refused by the payer's bank. */
  declineNextCapture(orderId: string): void;
  /** The PAYMENT.CAPTURE.COMPLETED event of an order captured earlier. */
  captureCompleted(orderId: string): PayPalEvent;
  /** A full refund made outside the store (PayPal's dashboard). Answers PAYMENT.CAPTURE.REFUNDED. */
  refundOutside(orderId: string): PayPalEvent;
  /** An event of any type. */
  event(type: string, resource: unknown): PayPalEvent;
  /** The body and headers PayPal delivers an event with; `forge` signs with the wrong key. */
  delivery(event: unknown, options?: { forge?: boolean }): { rawBody: string; headers: Record<string, string> };
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

const token = () => randomBytes(8).toString('hex').toUpperCase();
const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const unprocessable = (issue: string, description: string): Answer => ({
  status: 422,
  body: { name: 'UNPROCESSABLE_ENTITY', message: 'The requested action could not be performed.', details: [{ issue, description }] },
});
const notFound = (what: string): Answer => ({
  status: 404,
  body: { name: 'RESOURCE_NOT_FOUND', message: `The specified resource does not exist: ${what}`, details: [{ issue: 'INVALID_RESOURCE_ID' }] },
});
const invalid = (issue: string, field: string): Answer => ({
  status: 400,
  body: { name: 'INVALID_REQUEST', message: 'Request is not well-formed.', details: [{ issue, field }] },
});

export async function startFakePayPal(): Promise<FakePayPal> {
  const clientId = `fake-client-${token()}`;
  const clientSecret = `fake-secret-${token()}`;
  const webhookId = `WH-FAKE-${token()}`;
  const signingKey = randomBytes(32);
  const accessToken = `A21AA${token()}${token()}`;
  const orders = new Map<string, FakeOrder>();
  const captures = new Map<string, FakeCapture>();
  const refunds: Array<{ id: string; captureId: string }> = [];
  const requests: PayPalRequest[] = [];
  const remembered = new Map<string, Answer>();
  const declines = new Set<string>();
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}${String(++serial).padStart(4, '0')}${token()}`.slice(0, 17);

  const sign = (fields: { id: string; time: string; event: string }, key: Buffer) =>
    createHmac('sha256', key).update(`${fields.id}|${fields.time}|${webhookId}|${fields.event}`).digest('base64');

  function createOrder(body: Record<string, unknown>): Answer {
    const units = body.purchase_units as FakeOrder['purchase_units'] | undefined;
    const unit = units?.[0];
    if (body.intent !== 'CAPTURE') return invalid('INVALID_PARAMETER_VALUE', '/intent');
    if (!unit || !/^[A-Z]{3}$/.test(unit.amount?.currency_code ?? '')) return invalid('MISSING_REQUIRED_PARAMETER', '/purchase_units/0/amount');
    if (!/^\d+(\.\d{2})?$/.test(unit.amount.value) || Number(unit.amount.value) <= 0) {
      return invalid('CANNOT_BE_ZERO_OR_NEGATIVE', '/purchase_units/0/amount/value');
    }
    const id = nextId('5O');
    const order: FakeOrder = {
      id,
      intent: 'CAPTURE',
      status: 'PAYER_ACTION_REQUIRED',
      purchase_units: [{ reference_id: unit.reference_id, custom_id: unit.custom_id, description: unit.description, amount: unit.amount }],
      links: [
        { href: `https://api-m.sandbox.paypal.com/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
        { href: `https://www.sandbox.paypal.com/checkoutnow?token=${id}`, rel: 'payer-action', method: 'GET' },
      ],
      create_time: isoNow(),
    };
    orders.set(id, order);
    return { status: 201, body: order };
  }

  function capture(orderId: string): Answer {
    const order = orders.get(orderId);
    if (!order) return notFound(orderId);
    if (order.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_CAPTURED', 'Order already captured.');
    if (order.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED', 'Payer has not yet approved the Order for payment.');
    if (declines.delete(orderId)) return unprocessable('INSTRUMENT_DECLINED', 'The instrument presented was declined.');
    const unit = order.purchase_units[0]!;
    const made: FakeCapture = {
      id: nextId('3C'),
      status: 'COMPLETED',
      amount: unit.amount,
      final_capture: true,
      custom_id: unit.custom_id,
      supplementary_data: { related_ids: { order_id: orderId } },
      create_time: isoNow(),
      update_time: isoNow(),
    };
    captures.set(made.id, made);
    unit.payments = { captures: [made] };
    order.status = 'COMPLETED';
    return { status: 201, body: order };
  }

  function refund(captureId: string): Answer {
    const captured = captures.get(captureId);
    if (!captured) return notFound(captureId);
    if (captured.status === 'REFUNDED') return unprocessable('CAPTURE_FULLY_REFUNDED', 'The capture has already been fully refunded');
    captured.status = 'REFUNDED';
    captured.update_time = isoNow();
    const id = nextId('1R');
    refunds.push({ id, captureId });
    return { status: 201, body: refundResource(id, captured) };
  }

  const refundResource = (id: string, captured: FakeCapture) => ({
    id,
    status: 'COMPLETED',
    amount: captured.amount,
    custom_id: captured.custom_id,
    seller_payable_breakdown: { total_refunded_amount: captured.amount },
    links: [
      { href: `https://api-m.sandbox.paypal.com/v2/payments/refunds/${id}`, rel: 'self', method: 'GET' },
      { href: `https://api-m.sandbox.paypal.com/v2/payments/captures/${captured.id}`, rel: 'up', method: 'GET' },
    ],
    create_time: isoNow(),
  });

  function verify(body: Record<string, unknown>): Answer {
    const event = JSON.stringify(body.webhook_event);
    const good =
      body.webhook_id === webhookId &&
      typeof body.transmission_id === 'string' &&
      typeof body.transmission_time === 'string' &&
      body.transmission_sig === sign({ id: body.transmission_id, time: body.transmission_time, event }, signingKey);
    return { status: 200, body: { verification_status: good ? 'SUCCESS' : 'FAILURE' } };
  }

  function execute(method: string, path: string, body: Record<string, unknown>): Answer {
    if (method === 'POST' && path === '/v2/checkout/orders') return createOrder(body);
    if (method === 'POST' && path === '/v1/notifications/verify-webhook-signature') return verify(body);
    const orderPath = /^\/v2\/checkout\/orders\/([^/]+)(\/capture)?$/.exec(path);
    if (orderPath?.[1] && method === 'GET' && !orderPath[2]) {
      const order = orders.get(orderPath[1]);
      return order ? { status: 200, body: order } : notFound(orderPath[1]);
    }
    if (orderPath?.[1] && method === 'POST' && orderPath[2]) return capture(orderPath[1]);
    const capturePath = /^\/v2\/payments\/captures\/([^/]+)(\/refund)?$/.exec(path);
    if (capturePath?.[1] && method === 'GET' && !capturePath[2]) {
      const found = captures.get(capturePath[1]);
      return found ? { status: 200, body: found } : notFound(capturePath[1]);
    }
    if (capturePath?.[1] && method === 'POST' && capturePath[2]) return refund(capturePath[1]);
    return notFound(`${method} ${path}`);
  }

  const send = (res: ServerResponse, answer: Answer) => {
    res.writeHead(answer.status, { 'content-type': 'application/json', 'paypal-debug-id': token().toLowerCase() });
    res.end(JSON.stringify(answer.body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { raw, method, path, header: requestId } = await readRequest(req, 'paypal-request-id');
    const record: PayPalRequest = { method, path, requestId, replayed: false };
    requests.push(record);

    if (method === 'POST' && path === '/v1/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return send(res, { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } });
      return send(res, { status: 200, body: { access_token: accessToken, token_type: 'Bearer', expires_in: 32_400, scope: 'https://uri.paypal.com/services/payments/payment' } });
    }
    if (req.headers.authorization !== `Bearer ${accessToken}`) {
      return send(res, { status: 401, body: { name: 'AUTHENTICATION_FAILURE', message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.' } });
    }
    let body: Record<string, unknown> = {};
    if (raw) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return send(res, invalid('MALFORMED_REQUEST_JSON', '/'));
      }
    }
    const key = method === 'POST' && requestId ? `${path} ${requestId}` : undefined;
    const earlier = key ? remembered.get(key) : undefined;
    if (earlier) {
      record.replayed = true;
      return send(res, earlier);
    }
    const answer = execute(method, path, body);
    if (key && answer.status < 300) remembered.set(key, answer);
    send(res, answer);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, { status: 500, body: { name: 'INTERNAL_SERVER_ERROR', message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const event = (type: string, resource: unknown): PayPalEvent => ({
    id: `WH-${token()}-${token()}`,
    event_version: '1.0',
    create_time: isoNow(),
    resource_type: type.startsWith('CHECKOUT') ? 'checkout-order' : type.includes('REFUNDED') ? 'refund' : 'capture',
    event_type: type,
    summary: type,
    resource,
  });
  const orderOf = (id: string) => {
    const order = orders.get(id);
    if (!order) throw new Error(`fake paypal: no order ${id}`);
    return order;
  };
  const captureOf = (orderId: string) => {
    const made = orderOf(orderId).purchase_units[0]!.payments?.captures[0];
    if (!made) throw new Error(`fake paypal: order ${orderId} was not captured`);
    return made;
  };

  return {
    apiBase: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    webhookId,
    orders,
    captures,
    refunds,
    requests,
    approve(orderId) {
      const order = orderOf(orderId);
      if (order.status === 'PAYER_ACTION_REQUIRED') order.status = 'APPROVED';
      return event('CHECKOUT.ORDER.APPROVED', structuredClone(order));
    },
    declineNextCapture: (orderId) => void declines.add(orderId),
    captureCompleted: (orderId) => event('PAYMENT.CAPTURE.COMPLETED', structuredClone(captureOf(orderId))),
    refundOutside(orderId) {
      const made = captureOf(orderId);
      made.status = 'REFUNDED';
      const id = nextId('1R');
      refunds.push({ id, captureId: made.id });
      return event('PAYMENT.CAPTURE.REFUNDED', refundResource(id, made));
    },
    event,
    delivery(payload, options = {}) {
      const rawBody = JSON.stringify(payload);
      const id = randomBytes(16).toString('hex');
      const time = isoNow();
      const key = options.forge ? randomBytes(32) : signingKey;
      return {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'paypal-transmission-id': id,
          'paypal-transmission-time': time,
          'paypal-transmission-sig': sign({ id, time, event: rawBody }, key),
          'paypal-cert-url': 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270',
          'paypal-auth-algo': 'SHA256withRSA',
        },
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequest } from './fake-http';

/**
 * A local stand-in for the part of Stripe's HTTP API the store calls, so tests run the real
 * `stripe` SDK (form encoding, retries, error classes) against it:
 *   POST /v1/payment_intents, GET /v1/payment_intents/:id, POST /v1/payment_intents/:id/cancel,
 *   POST /v1/refunds.
 * Like Stripe it checks the secret key, and honours `Idempotency-Key`: a repeated key with
 * the same parameters replays the first response (`Idempotent-Replayed: true`), with other
 * parameters it is a 400 `idempotency_error`, and while the first request with a key is still
 * executing another with the same key is a 409 `idempotency_error` (the SDK retries it).
 * Validation errors and injected failures are not remembered, as Stripe remembers only
 * requests that started executing. `latencyMs` makes every POST take that long, so concurrent
 * requests overlap as they do against the real API.
 */

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  description: string | null;
  status: 'requires_payment_method' | 'processing' | 'succeeded' | 'canceled';
  client_secret: string;
  metadata: Record<string, string>;
  latest_charge: string | null;
  livemode: false;
  created: number;
}

export interface FakeCharge {
  id: string;
  object: 'charge';
  amount: number;
  amount_refunded: number;
  currency: string;
  payment_intent: string;
  refunded: boolean;
  metadata: Record<string, string>;
  livemode: false;
  created: number;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  currency: string;
  payment_intent: string;
  status: 'succeeded';
  created: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  /** Answered from the idempotency store rather than executed. */
  replayed: boolean;
  /** Answered 409: another request with its key was still executing. */
  conflicted?: boolean;
}

interface Answer {
  status: number;
  body: unknown;
}

interface Failure {
  method: string;
  path: string;
  /** Answer with this (without executing), or execute and then drop the connection unanswered. */
  kind: { answer: Answer } | { dropAfterExecuting: true };
}

export interface FakeStripe {
  /** For STRIPE_API_BASE. */
  apiBase: string;
  secretKey: string;
  intents: Map<string, FakeIntent>;
  charges: Map<string, FakeCharge>;
  refunds: FakeRefund[];
  requests: RecordedRequest[];
  /** How long each POST takes to execute (0 by default); concurrent same-key requests then meet a 409. */
  latencyMs: number;
  /** The next request to `method path` fails this way (once per call). */
  failNext(method: string, path: string, kind: Failure['kind']): void;
  /** The customer pays: the intent succeeds with a charge. Answers the payment_intent.succeeded event. */
  succeed(intentId: string): StripeEventPayload;
  /** A full refund made outside the store (the dashboard). Answers the charge.refunded event. */
  refundOutside(intentId: string): StripeEventPayload;
  /** A signed-webhook-ready event object of any type. */
  event(type: string, object: unknown): StripeEventPayload;
  close(): Promise<void>;
}

export interface StripeEventPayload {
  id: string;
  object: 'event';
  type: string;
  api_version: string;
  created: number;
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  data: { object: unknown };
}

const now = () => Math.floor(Date.now() / 1000);
const token = () => randomBytes(12).toString('hex');

const invalid = (message: string, extra: Record<string, string> = {}): Answer => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message, ...extra } },
});

/** `metadata[orderId]=5` style keys, as the SDK form-encodes nested objects. */
function nested(params: URLSearchParams, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) {
    const match = new RegExp(`^${name}\\[([^\\]]+)\\]$`).exec(key);
    if (match?.[1]) out[match[1]] = value;
  }
  return out;
}

export async function startFakeStripe(secretKey = `sk_test_fake_${token()}`): Promise<FakeStripe> {
  const intents = new Map<string, FakeIntent>();
  const charges = new Map<string, FakeCharge>();
  const refunds: FakeRefund[] = [];
  const requests: RecordedRequest[] = [];
  const remembered = new Map<string, { fingerprint: string; answer: Answer }>();
  const failures: Failure[] = [];
  const inFlight = new Set<string>();
  let serial = 0;
  const nextId = (prefix: string) => `${prefix}_fake${++serial}${token().slice(0, 8)}`;

  function createIntent(params: URLSearchParams): Answer {
    const amount = Number(params.get('amount'));
    const currency = params.get('currency');
    if (!Number.isInteger(amount) || amount < 1) {
      return invalid('Invalid integer: amount', { code: 'parameter_invalid_integer', param: 'amount' });
    }
    if (!currency) return invalid('Missing required param: currency.', { code: 'parameter_missing', param: 'currency' });
    const id = nextId('pi');
    const intent: FakeIntent = {
      id,
      object: 'payment_intent',
      amount,
      amount_received: 0,
      currency,
      description: params.get('description'),
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${token()}`,
      metadata: nested(params, 'metadata'),
      latest_charge: null,
      livemode: false,
      created: now(),
    };
    intents.set(id, intent);
    return { status: 200, body: intent };
  }

  function retrieveIntent(id: string): Answer {
    const intent = intents.get(id);
    if (!intent) {
      return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${id}'` } } };
    }
    return { status: 200, body: intent };
  }

  function cancelIntent(id: string): Answer {
    const intent = intents.get(id);
    if (!intent) return retrieveIntent(id);
    if (intent.status === 'succeeded' || intent.status === 'processing' || intent.status === 'canceled') {
      return invalid(`You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`, {
        code: 'payment_intent_unexpected_state',
      });
    }
    intent.status = 'canceled';
    return { status: 200, body: intent };
  }

  function createRefund(params: URLSearchParams): Answer {
    const intentId = params.get('payment_intent');
    if (!intentId) return invalid('Missing required param: payment_intent.', { code: 'parameter_missing', param: 'payment_intent' });
    const intent = intents.get(intentId);
    if (!intent) return invalid(`No such payment_intent: '${intentId}'`, { code: 'resource_missing', param: 'payment_intent' });
    const charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
    if (intent.status !== 'succeeded' || !charge) {
      return invalid(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, { code: 'charge_not_refundable' });
    }
    if (charge.refunded) {
      return invalid(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
    }
    charge.refunded = true;
    charge.amount_refunded = charge.amount;
    const refund: FakeRefund = {
      id: nextId('re'),
      object: 'refund',
      amount: charge.amount,
      charge: charge.id,
      currency: charge.currency,
      payment_intent: intentId,
      status: 'succeeded',
      created: now(),
    };
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  function execute(method: string, path: string, params: URLSearchParams): Answer {
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(params);
    const retrieve = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve?.[1]) return retrieveIntent(decodeURIComponent(retrieve[1]));
    const cancel = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel?.[1]) return cancelIntent(decodeURIComponent(cancel[1]));
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params);
    return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } } };
  }

  const send = (res: ServerResponse, answer: Answer, replayed = false) => {
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'request-id': `req_${token()}`,
      ...(replayed && { 'idempotent-replayed': 'true' }),
    });
    res.end(JSON.stringify(answer.body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { raw, method, url, path, header: idempotencyKey } = await readRequest(req, 'idempotency-key');
    const record: RecordedRequest = { method, path, idempotencyKey, replayed: false };
    requests.push(record);

    if (req.headers.authorization !== `Bearer ${secretKey}`) {
      return send(res, { status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } });
    }
    const failureAt = failures.findIndex((f) => f.method === method && f.path === path);
    const failure = failureAt >= 0 ? failures.splice(failureAt, 1)[0] : undefined;
    if (failure && 'answer' in failure.kind) return send(res, failure.kind.answer);

    const params = method === 'GET' ? url.searchParams : new URLSearchParams(raw);
    // Stripe keys idempotency on POSTs; a GET is safe to repeat anyway.
    const fingerprint = `${method} ${path} ${raw}`;
    const keyed = method === 'POST' && idempotencyKey ? idempotencyKey : undefined;
    if (keyed && inFlight.has(keyed)) {
      record.conflicted = true;
      return send(res, {
        status: 409,
        body: {
          error: {
            type: 'idempotency_error',
            message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${keyed}. Please try again later.`,
          },
        },
      });
    }
    if (keyed && !remembered.has(keyed)) inFlight.add(keyed);
    try {
      if (method === 'POST' && fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
    } finally {
      if (keyed) inFlight.delete(keyed);
    }
    const earlier = keyed ? remembered.get(keyed) : undefined;
    let answer: Answer;
    if (earlier && earlier.fingerprint !== fingerprint) {
      answer = {
        status: 400,
        body: {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
          },
        },
      };
    } else if (earlier) {
      record.replayed = true;
      answer = earlier.answer;
    } else {
      answer = execute(method, path, params);
      const validationError = answer.status === 400 && (answer.body as { error?: { param?: string } }).error?.param;
      if (method === 'POST' && idempotencyKey && !validationError) remembered.set(idempotencyKey, { fingerprint, answer });
    }
    // The response is lost on the way back: the client must retry with the same key.
    if (failure) return void req.socket.destroy();
    send(res, answer, record.replayed);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const event = (type: string, object: unknown): StripeEventPayload => ({
    id: nextId('evt'),
    object: 'event',
    type,
    api_version: '2026-10-28.endive',
    created: now(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });

  const intentOf = (id: string) => {
    const intent = intents.get(id);
    if (!intent) throw new Error(`fake stripe: no intent ${id}`);
    return intent;
  };

  const fake: FakeStripe = {
    latencyMs: 0,
    apiBase: `http://127.0.0.1:${port}`,
    secretKey,
    intents,
    charges,
    refunds,
    requests,
    failNext: (method, path, kind) => void failures.push({ method, path, kind }),
    succeed(intentId) {
      const intent = intentOf(intentId);
      // As at Stripe: a cancelled intent can no longer be paid.
      if (intent.status === 'canceled') throw new Error(`fake stripe: intent ${intentId} was cancelled`);
      const charge: FakeCharge = {
        id: nextId('ch'),
        object: 'charge',
        amount: intent.amount,
        amount_refunded: 0,
        currency: intent.currency,
        payment_intent: intent.id,
        refunded: false,
        metadata: {},
        livemode: false,
        created: now(),
      };
      charges.set(charge.id, charge);
      Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
      return event('payment_intent.succeeded', { ...intent });
    },
    refundOutside(intentId) {
      const intent = intentOf(intentId);
      const charge = intent.latest_charge ? charges.get(intent.latest_charge) : undefined;
      if (!charge) throw new Error(`fake stripe: intent ${intentId} has no charge`);
      Object.assign(charge, { refunded: true, amount_refunded: charge.amount });
      return event('charge.refunded', { ...charge });
    },
    event,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}

import { expireUnpaidOrders, type Deps } from '@commerce/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { runPaymentExpiry } from '../src/maintenance';
import { startFakeStripe, type FakeStripe } from './fake-stripe';
import type { TestDatabase } from '@commerce/db/testing';
import { createUserWithToken, injectRequest, testEnv, type RequestOptions } from './helpers';
import { stockOf } from './orders-helpers';
import {
  countBy,
  eventsOf,
  intentsFor,
  orderRow,
  paymentsOf,
  pendingOrder,
  signed,
  stripeEnv,
  WEBHOOK_PATH,
  type Delivery,
} from './payments-helpers';

// What happens when payments race cancellations and expiry, with the real server and the real
// `stripe` SDK against the local fake. Every race must end paid-and-kept or
// cancelled-and-refunded; never paid with the stock given back.
let fake: FakeStripe;
let app: FastifyInstance;
let runtime: Runtime;
let database: TestDatabase;
let customer: string;
let staff: string;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  fake = await startFakeStripe();
  const setup = await testEnv({ ...stripeEnv(fake), LOG_LEVEL: 'info', DATABASE_POOL_MAX: '10' });
  database = setup.database;
  const config = loadConfig(setup.env);
  runtime = await createRuntime(config, { logDestination: { write: (line: string) => void logs.push(JSON.parse(line)) } });
  app = await buildServer({ config, runtime });
  await app.ready();
  [customer, staff] = await Promise.all([
    createUserWithToken(runtime, 'customer').then((u) => u.token),
    createUserWithToken(runtime, 'staff').then((u) => u.token),
  ]);
});

afterAll(async () => {
  await app?.close();
  await runtime?.close();
  await database?.drop();
  await fake?.close();
});

const db = () => runtime.deps.db;
const request = (method: string, path: string, options?: RequestOptions) => injectRequest(app, method, path, options);
const order = () => pendingOrder(db(), request, customer);
const pay = (id: number) => request('POST', `/api/orders/${id}/pay`, { token: customer });
const deliver = (delivery: Delivery) => request('POST', WEBHOOK_PATH, delivery);
const refundsOf = (intentId: string) => fake.refunds.filter((refund) => refund.payment_intent === intentId);
const getOrder = async (id: number) => (await request('GET', `/api/orders/${id}`, { token: staff })).body;
/** The server's deps with the clock moved past PAYMENT_TIMEOUT_MINUTES (30). */
const later = (): Deps => ({ ...runtime.deps, clock: { now: () => new Date(Date.now() + 31 * 60_000) } });

/** A pending order whose payment was opened; answers the order and its intent id. */
async function opened() {
  const placed = await order();
  const res = await pay(placed.id);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...placed, intentId: res.body.paymentIntentId as string };
}

/** Expires every pending order older than any in this file, so each test sweeps only its own. */
async function sweepOthers() {
  await expireUnpaidOrders(later());
}

describe('what was paid is checked against the order', () => {
  it('flags an order paid with the wrong amount for staff, leaves it pending, and logs the mismatch', async () => {
    const placed = await opened();
    const event = fake.succeed(placed.intentId);
    const object = event.data.object as { amount_received: number };
    object.amount_received = placed.totalCents - 100;
    expect((await deliver(signed(event))).status).toBe(200);

    const seen = await getOrder(placed.id);
    expect(seen.status).toBe('pending');
    expect(seen.attention).toMatch(new RegExp(`paid ${placed.totalCents - 100} USD, the order is ${placed.totalCents} USD`));
    expect(seen.events.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'pending',
      actorKind: 'system',
      note: expect.stringMatching(/^Needs attention: .*does not match/),
    });
    // The money is there (recorded), the order is not paid.
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const warning = logs.find((line) => (line.webhook as { orderId?: number } | undefined)?.orderId === placed.id);
    expect(warning).toMatchObject({ level: 40, webhook: { outcome: 'noted', attention: true, reason: expect.stringMatching(/does not match/) } });

    // The expiry sweep leaves it to staff…
    await expireUnpaidOrders(later());
    expect((await orderRow(db(), placed.id)).status).toBe('pending');
    // …who cancel it: the captured money goes back, once.
    const cancelled = await request('POST', `/api/orders/${placed.id}/cancel`, { token: staff });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(refundsOf(placed.intentId)).toHaveLength(1);
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
  });

  it('flags a payment in another currency the same way', async () => {
    const placed = await opened();
    const event = fake.succeed(placed.intentId);
    (event.data.object as { currency: string }).currency = 'eur';
    expect((await deliver(signed(event))).status).toBe(200);
    const seen = await getOrder(placed.id);
    expect(seen.status).toBe('pending');
    expect(seen.attention).toMatch(/EUR/);
  });

  it('records a failed payment on the timeline and leaves the order payable', async () => {
    const placed = await opened();
    const failed = fake.event('payment_intent.payment_failed', {
      ...fake.intents.get(placed.intentId),
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    });
    expect((await deliver(signed(failed))).status).toBe(200);
    const seen = await getOrder(placed.id);
    expect(seen.status).toBe('pending');
    expect(seen.attention).toBeNull();
    expect(seen.events.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'pending',
      actorKind: 'system',
      note: 'Payment failed (payment_intent.payment_failed): card_declined: insufficient_funds: Your card has insufficient funds.',
    });
    // Redelivered: one entry.
    expect((await deliver(signed(failed))).status).toBe(200);
    expect((await eventsOf(db(), placed.id)).filter((e) => e.note?.startsWith('Payment failed'))).toHaveLength(1);
    // The customer tries again and pays.
    expect((await deliver(signed(fake.succeed(placed.intentId)))).status).toBe(200);
    expect((await orderRow(db(), placed.id)).status).toBe('paid');
  });
});

describe('cancelling or expiring an order stops its payment', () => {
  it('cancels the open PaymentIntent at Stripe when the customer cancels', async () => {
    const placed = await opened();
    expect((await request('POST', `/api/orders/${placed.id}/cancel`, { token: customer })).status).toBe(200);
    expect(fake.intents.get(placed.intentId)!.status).toBe('canceled');
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
    expect((await pay(placed.id)).status).toBe(409);
  });

  it('leaves a PaymentIntent Stripe failed to cancel for the sweep, which cancels it', async () => {
    const placed = await opened();
    fake.failNext('POST', `/v1/payment_intents/${placed.intentId}/cancel`, {
      answer: { status: 400, body: { error: { type: 'invalid_request_error', message: 'Something odd at Stripe.' } } },
    });
    expect((await request('POST', `/api/orders/${placed.id}/cancel`, { token: customer })).status).toBe(200);
    expect(fake.intents.get(placed.intentId)!.status).toBe('requires_payment_method');
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'pending' })]);

    const sweep = await runPaymentExpiry(runtime);
    expect(sweep.paymentsCancelled).toBeGreaterThanOrEqual(1);
    expect(fake.intents.get(placed.intentId)!.status).toBe('canceled');
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });

  it('refunds and flags, in the webhook, a payment whose cancel never reached Stripe', async () => {
    const placed = await opened();
    const event = fake.succeed(placed.intentId);
    fake.failNext('POST', `/v1/payment_intents/${placed.intentId}/cancel`, {
      answer: { status: 400, body: { error: { type: 'invalid_request_error', message: 'Something odd at Stripe.' } } },
    });
    expect((await request('POST', `/api/orders/${placed.id}/cancel`, { token: customer })).status).toBe(200);
    expect(refundsOf(placed.intentId)).toEqual([]);
    expect((await deliver(signed(event))).status).toBe(200);
    expect(refundsOf(placed.intentId)).toHaveLength(1);
    const seen = await getOrder(placed.id);
    expect(seen.attention).toMatch(/A payment arrived after the order was cancelled: it was refunded/);
    expect(seen.events.at(-1)).toMatchObject({ toStatus: 'cancelled', actorKind: 'system', note: expect.stringMatching(/^Needs attention/) });
    // The sweep's retry finds nothing open any more.
    await runPaymentExpiry(runtime);
    expect(refundsOf(placed.intentId)).toHaveLength(1);
  });

  it('refunds and flags a payment that succeeded just before the cancel reached Stripe, once', async () => {
    const placed = await opened();
    const event = fake.succeed(placed.intentId); // paid at Stripe; the webhook is still on its way
    const stockBefore = await stockOf(db(), placed.productId);
    expect((await request('POST', `/api/orders/${placed.id}/cancel`, { token: customer })).status).toBe(200);
    expect(await stockOf(db(), placed.productId)).toBe(stockBefore + 2);
    expect(fake.intents.get(placed.intentId)!.status).toBe('succeeded'); // Stripe refused to cancel it
    // Stripe said the money was taken: it goes back at once, without waiting for the webhook…
    expect(refundsOf(placed.intentId)).toHaveLength(1);

    // …which then finds it given back and changes nothing.
    expect((await deliver(signed(event))).status).toBe(200);
    expect(refundsOf(placed.intentId)).toHaveLength(1);
    const seen = await getOrder(placed.id);
    expect(seen.status).toBe('cancelled');
    expect(seen.attention).toMatch(/after the order was cancelled: it was refunded/);
    expect(await stockOf(db(), placed.productId)).toBe(stockBefore + 2);
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
  });

  it('expires an unpaid order (system, stock returned, PaymentIntent cancelled) and refunds a payment that arrives after', async () => {
    await sweepOthers();
    const unpaid = await opened();
    const paidLate = await opened();
    const lateEvent = fake.succeed(paidLate.intentId);
    const stock = await Promise.all([stockOf(db(), unpaid.productId), stockOf(db(), paidLate.productId)]);

    const sweep = await expireUnpaidOrders(later());
    expect(sweep.expired.sort()).toEqual([unpaid.id, paidLate.id].sort());
    for (const [i, placed] of [unpaid, paidLate].entries()) {
      expect((await eventsOf(db(), placed.id)).at(-1)).toMatchObject({ toStatus: 'cancelled', actorKind: 'system' });
      expect(await stockOf(db(), placed.productId)).toBe(stock[i]! + 2);
    }
    expect(fake.intents.get(unpaid.intentId)!.status).toBe('canceled');
    expect(refundsOf(unpaid.intentId)).toEqual([]);
    expect(refundsOf(paidLate.intentId)).toHaveLength(1);

    expect((await deliver(signed(lateEvent))).status).toBe(200);
    expect(refundsOf(paidLate.intentId)).toHaveLength(1);
    const seen = await getOrder(paidLate.id);
    expect(seen.status).toBe('cancelled');
    expect(seen.attention).toMatch(/refunded/);
  });

  it('ends every order of a sweep racing 20 deliveries each paid-and-kept or cancelled-and-refunded, never paid with stock returned', async () => {
    await sweepOthers();
    const placed = await Promise.all(Array.from({ length: 3 }, () => opened()));
    const deliveries = placed.map((p) => signed(fake.succeed(p.intentId)));
    const stockBefore = await Promise.all(placed.map((p) => stockOf(db(), p.productId)));

    const [sweep, ...responses] = await Promise.all([
      expireUnpaidOrders(later()),
      ...deliveries.flatMap((delivery) => Array.from({ length: 20 }, () => deliver(delivery))),
    ]);
    expect(countBy(responses as Awaited<ReturnType<typeof deliver>>[])).toEqual({ 200: 60 });

    const outcomes = [];
    for (const [i, p] of placed.entries()) {
      const row = await orderRow(db(), p.id);
      const stock = await stockOf(db(), p.productId);
      const refunds = refundsOf(p.intentId).length;
      if (row.status === 'paid') {
        expect({ stock, refunds, attention: row.attention }).toEqual({ stock: stockBefore[i], refunds: 0, attention: null });
        outcomes.push('paid-and-kept');
      } else {
        expect(row.status).toBe('cancelled');
        expect({ stock, refunds }).toEqual({ stock: stockBefore[i]! + 2, refunds: 1 });
        expect(row.attention).toMatch(/refunded/);
        outcomes.push('cancelled-and-refunded');
      }
      const events = await eventsOf(db(), p.id);
      // One move out of pending (notes for staff are entries without a move).
      expect(events.filter((e) => e.fromStatus === 'pending' && e.toStatus !== 'pending')).toHaveLength(1);
    }
    expect(outcomes).toHaveLength(3);
    expect(sweep.expired.length).toBe(outcomes.filter((o) => o === 'cancelled-and-refunded').length);
  });
});

describe('Stripe idempotency under concurrency', () => {
  it('gets 409 from Stripe for same-key requests still executing, retries, and opens one PaymentIntent', async () => {
    const placed = await order();
    fake.latencyMs = 250;
    try {
      const responses = await Promise.all(Array.from({ length: 8 }, () => pay(placed.id)));
      expect(countBy(responses)).toEqual({ 200: 8 });
      expect(new Set(responses.map((r) => r.body.paymentIntentId)).size).toBe(1);
    } finally {
      fake.latencyMs = 0;
    }
    expect(intentsFor(fake, placed.id)).toHaveLength(1);
    const keyed = fake.requests.filter((r) => r.idempotencyKey?.startsWith(`commerce-order-${placed.id}-`));
    expect(keyed.some((r) => r.conflicted)).toBe(true);
    expect(keyed.filter((r) => !r.conflicted && !r.replayed)).toHaveLength(1);
  });
});

describe('correctly signed events with odd fields', () => {
  it('answers 400 for a used type it cannot read and 200 for unused types, never 500, changing nothing', async () => {
    const placed = await opened();
    const intent = fake.intents.get(placed.intentId)!;
    const bad: unknown[] = [
      {},
      [],
      'just a string',
      { id: 'evt_x', type: 'payment_intent.succeeded' },
      { id: 12, type: 'payment_intent.succeeded', data: { object: intent } },
      fake.event('payment_intent.succeeded', { ...intent, id: undefined }),
      fake.event('payment_intent.succeeded', { ...intent, amount: '2500', amount_received: '2500' }),
      fake.event('payment_intent.succeeded', { ...intent, amount_received: -5 }),
      fake.event('payment_intent.succeeded', { ...intent, currency: 42 }),
      fake.event('payment_intent.succeeded', { ...intent, metadata: 'orderId=1' }),
      fake.event('payment_intent.succeeded', null),
      fake.event('charge.refunded', { id: 'ch_1', amount: 100, currency: 'usd' }),
      fake.event('payment_intent.payment_failed', { ...intent, last_payment_error: 'declined' }),
      fake.event('payment_intent.created', 'not an object'),
    ];
    for (const payload of bad) {
      const res = await deliver(signed(payload));
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body).toEqual({ message: expect.any(String), code: 'BAD_REQUEST' });
    }
    const ignored = [fake.event('customer.created', { id: 7, email: ['odd'] }), fake.event('payment_intent.created', { weird: [null] })];
    for (const payload of ignored) expect((await deliver(signed(payload))).status, JSON.stringify(payload)).toBe(200);
    expect((await orderRow(db(), placed.id)).status).toBe('pending');
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'pending' })]);
  });
});

import { paymentEvents } from '@commerce/db';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from './fake-stripe';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { stockOf } from './orders-helpers';
import {
  countBy,
  eventsOf,
  intentsFor,
  orderRow,
  paymentsOf,
  pendingOrder,
  pricedOrder,
  signed,
  stripeEnv,
  WEBHOOK_PATH,
  type Delivery,
} from './payments-helpers';

// The real server and the real `stripe` SDK, with Stripe's HTTP API played by a local fake
// and webhooks signed as Stripe signs them.
let fake: FakeStripe;
let server: TestServer;
let customer: string;
let otherCustomer: string;
let staff: string;

beforeAll(async () => {
  fake = await startFakeStripe();
  server = await startTestServer(stripeEnv(fake));
  [customer, otherCustomer, staff] = await Promise.all([
    createUserWithToken(server.runtime, 'customer').then((u) => u.token),
    createUserWithToken(server.runtime, 'customer').then((u) => u.token),
    createUserWithToken(server.runtime, 'staff').then((u) => u.token),
  ]);
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

const db = () => server.runtime.deps.db;
const order = () => pendingOrder(db(), server.request, customer);
const pay = (id: number, token: string | null = customer) =>
  server.request('POST', `/api/orders/${id}/pay`, { token: token ?? undefined });
const deliver = (delivery: Delivery) => server.request('POST', WEBHOOK_PATH, delivery);
const intentPosts = () => fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
const refundPosts = (intentId: string) =>
  fake.refunds.filter((refund) => refund.payment_intent === intentId);

/** A pending order with its payment opened and paid at Stripe; the webhook not delivered yet. */
async function paidAtStripe() {
  const placed = await order();
  const res = await pay(placed.id);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const event = fake.succeed(res.body.paymentIntentId);
  return { ...placed, intentId: res.body.paymentIntentId as string, event };
}

/** An order marked paid by Stripe's webhook. */
async function paidOrder() {
  const paid = await paidAtStripe();
  expect((await deliver(signed(paid.event))).status).toBe(200);
  expect((await orderRow(db(), paid.id)).status).toBe('paid');
  return paid;
}

describe('POST /api/orders/{id}/pay', () => {
  it('opens one PaymentIntent for the order total, and answers the same one when called again', async () => {
    const placed = await order();
    const before = intentPosts().length;
    const first = await pay(placed.id);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      provider: 'stripe',
      paymentIntentId: expect.stringMatching(/^pi_/),
      clientSecret: expect.stringContaining('_secret_'),
      approvalUrl: null,
    });

    const [intent, ...others] = intentsFor(fake, placed.id);
    expect(others).toEqual([]);
    expect(intent).toMatchObject({ id: first.body.paymentIntentId, amount: placed.totalCents, currency: 'usd' });
    expect(intent!.client_secret).toBe(first.body.clientSecret);
    // The key comes from the order, so any retry anywhere sends the same one.
    expect(intentPosts().at(-1)!.idempotencyKey).toMatch(new RegExp(`^commerce-order-${placed.id}-\\d+-payment$`));

    const second = await pay(placed.id);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(intentPosts().length).toBe(before + 1);
    expect(intentsFor(fake, placed.id)).toHaveLength(1);

    expect((await orderRow(db(), placed.id)).paymentIntentId).toBe(first.body.paymentIntentId);
    expect(await paymentsOf(db(), placed.id)).toEqual([
      expect.objectContaining({
        provider: 'stripe',
        providerPaymentId: first.body.paymentIntentId,
        status: 'pending',
        amountCents: placed.totalCents,
        currency: 'USD',
      }),
    ]);
  });

  it('gives 10 concurrent calls for one order the same PaymentIntent: Stripe opens one', async () => {
    const placed = await order();
    const responses = await Promise.all(Array.from({ length: 10 }, () => pay(placed.id)));
    expect(countBy(responses)).toEqual({ 200: 10 });
    expect(new Set(responses.map((r) => r.body.paymentIntentId)).size).toBe(1);
    expect(intentsFor(fake, placed.id)).toHaveLength(1);
    expect(await paymentsOf(db(), placed.id)).toHaveLength(1);
  });

  it('retries a request whose answer was lost with the same key: still one intent', async () => {
    const placed = await order();
    fake.failNext('POST', '/v1/payment_intents', { dropAfterExecuting: true });
    const res = await pay(placed.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(intentsFor(fake, placed.id)).toHaveLength(1);
    const replays = intentPosts().filter((r) => r.idempotencyKey?.startsWith(`commerce-order-${placed.id}-`));
    expect(replays.map((r) => r.replayed)).toEqual([false, true]);
  });

  it('answers 502 when Stripe refuses, leaving nothing behind, and works once Stripe does', async () => {
    const placed = await order();
    fake.failNext('POST', '/v1/payment_intents', {
      answer: { status: 402, body: { error: { type: 'invalid_request_error', message: 'Your account cannot currently make live charges.' } } },
    });
    const failed = await pay(placed.id);
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ code: 'BAD_GATEWAY', message: expect.stringMatching(/payment provider/i) });
    expect(failed.body.message).not.toContain('live charges');
    expect((await orderRow(db(), placed.id)).paymentIntentId).toBeNull();
    expect(await paymentsOf(db(), placed.id)).toEqual([]);

    expect((await pay(placed.id)).status).toBe(200);
    expect(intentsFor(fake, placed.id)).toHaveLength(1);
  });

  it('refuses an order that is not pending (409), another customer’s (404), staff (403) and anonymous callers (401)', async () => {
    const cancelled = await order();
    expect((await server.request('POST', `/api/orders/${cancelled.id}/cancel`, { token: customer })).status).toBe(200);
    const notPending = await pay(cancelled.id);
    expect(notPending.status).toBe(409);
    expect(notPending.body.reason).toBe('order_not_payable');
    expect(notPending.body.message).toMatch(/cancelled/);

    const placed = await order();
    const foreign = await pay(placed.id, otherCustomer);
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await pay(99_999_999)).status).toBe(404);
    expect((await pay(placed.id, staff)).status).toBe(403);
    expect((await pay(placed.id, null)).status).toBe(401);
    expect((await server.request('POST', '/api/orders/abc/pay', { token: customer })).status).toBe(400);
    expect(intentsFor(fake, cancelled.id)).toEqual([]);
    expect(intentsFor(fake, placed.id)).toEqual([]);
  });
});

describe('POST /api/webhooks/stripe', () => {
  it('marks the order paid on payment_intent.succeeded, with a timeline entry by the system', async () => {
    const paid = await paidAtStripe();
    const res = await deliver(signed(paid.event));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true });

    expect((await orderRow(db(), paid.id)).status).toBe('paid');
    const events = await eventsOf(db(), paid.id);
    expect(events.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'paid',
      actorKind: 'system',
      actorUserId: null,
      note: expect.stringContaining(paid.event.id),
    });
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    const recorded = await db().select().from(paymentEvents).where(eq(paymentEvents.id, paid.event.id));
    expect(recorded).toEqual([expect.objectContaining({ provider: 'stripe', type: 'payment_intent.succeeded' })]);

    // The customer sees it too.
    const seen = await server.request('GET', `/api/orders/${paid.id}`, { token: customer });
    expect(seen.body.status).toBe('paid');
  });

  it('applies an event delivered 10 times at once exactly once', async () => {
    const paid = await paidAtStripe();
    const delivery = signed(paid.event);
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliver(delivery)));
    expect(countBy(responses)).toEqual({ 200: 10 });
    const events = await eventsOf(db(), paid.id);
    expect(events.filter((e) => e.toStatus === 'paid')).toHaveLength(1);
    expect((await orderRow(db(), paid.id)).status).toBe('paid');
  });

  it('refuses a missing, wrong, tampered, malformed or expired signature with a 400 and changes nothing', async () => {
    const paid = await paidAtStripe();
    const good = signed(paid.event);
    const cases: Record<string, Delivery> = {
      missing: { rawBody: good.rawBody, headers: { 'content-type': 'application/json' } },
      'another secret': signed(paid.event, { secret: 'whsec_someone_else' }),
      tampered: { rawBody: good.rawBody.replace(paid.intentId, 'pi_someone_else'), headers: good.headers },
      malformed: { rawBody: good.rawBody, headers: { ...good.headers, 'stripe-signature': 'garbage' } },
      // Stripe's default tolerance is 300 s.
      expired: signed(paid.event, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
    };
    for (const [name, delivery] of Object.entries(cases)) {
      const res = await deliver(delivery);
      expect(res.status, name).toBe(400);
      expect(res.body, name).toEqual({ message: expect.any(String), code: 'BAD_REQUEST' });
    }
    expect((await deliver({ rawBody: good.rawBody, headers: { 'content-type': 'application/json' } })).body.message).toMatch(
      /Stripe-Signature/,
    );
    expect((await orderRow(db(), paid.id)).status).toBe('pending');
    expect(await db().select().from(paymentEvents).where(eq(paymentEvents.id, paid.event.id))).toEqual([]);
    // A signature 299 s old is still fine.
    expect((await deliver(signed(paid.event, { timestamp: Math.floor(Date.now() / 1000) - 299 }))).status).toBe(200);
    expect((await orderRow(db(), paid.id)).status).toBe('paid');
  });

  it('refuses a correctly signed body that is not an event (400)', async () => {
    expect((await deliver(signed('not json at all'))).status).toBe(400);
  });

  it('answers 200 to event types the store does not use, and to payments it did not open, changing nothing', async () => {
    const placed = await order();
    const unused = fake.event('customer.created', { id: 'cus_123', object: 'customer', metadata: { orderId: String(placed.id) } });
    expect((await deliver(signed(unused))).status).toBe(200);

    const strangerIntent = { id: 'pi_not_ours', object: 'payment_intent', amount: 100, currency: 'usd', status: 'succeeded', metadata: {} };
    expect((await deliver(signed(fake.event('payment_intent.succeeded', strangerIntent)))).status).toBe(200);
    // Metadata naming an order that does not exist is no better.
    const noSuchOrder = { ...strangerIntent, id: 'pi_not_ours_2', metadata: { orderId: '99999999' } };
    expect((await deliver(signed(fake.event('payment_intent.succeeded', noSuchOrder)))).status).toBe(200);

    expect((await orderRow(db(), placed.id)).status).toBe('pending');
    expect(await db().select().from(paymentEvents).where(eq(paymentEvents.id, unused.id))).toEqual([]);
  });

  it('treats a payment for an order that is already paid as done (200, no new timeline entry)', async () => {
    const placed = await order();
    const opened = await pay(placed.id);
    // Staff saw the money first and marked the order paid by hand.
    expect((await server.request('PUT', `/api/orders/${placed.id}/status`, { token: staff, body: { status: 'paid' } })).status).toBe(200);
    const event = fake.succeed(opened.body.paymentIntentId);
    expect((await deliver(signed(event))).status).toBe(200);
    const events = await eventsOf(db(), placed.id);
    expect(events.filter((e) => e.toStatus === 'paid')).toHaveLength(1);
    expect(events.at(-1)!.actorKind).toBe('staff');
    // The payment's own record still learns that the money arrived.
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });

  it('finds the order through metadata.orderId when the store never stored the intent', async () => {
    const placed = await order();
    // The intent exists at Stripe (opened with the store's metadata) but /pay never committed it.
    const stripe = new Stripe(fake.secretKey, { host: '127.0.0.1', port: Number(new URL(fake.apiBase).port), protocol: 'http' });
    const intent = await stripe.paymentIntents.create({ amount: placed.totalCents, currency: 'usd', metadata: { orderId: String(placed.id) } });
    expect((await deliver(signed(fake.succeed(intent.id)))).status).toBe(200);
    const row = await orderRow(db(), placed.id);
    expect(row.status).toBe('paid');
    expect(row.paymentIntentId).toBe(intent.id);
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ providerPaymentId: intent.id, status: 'succeeded' })]);
  });

  it('marks the order refunded on a full charge.refunded, returning the stock of an unshipped order', async () => {
    const paid = await paidOrder();
    const stockBefore = await stockOf(db(), paid.productId);
    const refundedOutside = fake.refundOutside(paid.intentId);
    expect((await deliver(signed(refundedOutside))).status).toBe(200);
    const row = await orderRow(db(), paid.id);
    expect(row.status).toBe('refunded');
    expect(await stockOf(db(), paid.productId)).toBe(stockBefore + 2);
    expect((await eventsOf(db(), paid.id)).at(-1)).toMatchObject({ fromStatus: 'paid', toStatus: 'refunded', actorKind: 'system' });
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
  });

  it('leaves the order alone on a partial refund', async () => {
    const paid = await paidOrder();
    const charge = fake.charges.get(fake.intents.get(paid.intentId)!.latest_charge!)!;
    const partial = fake.event('charge.refunded', { ...charge, amount_refunded: 100, refunded: false });
    expect((await deliver(signed(partial))).status).toBe(200);
    expect((await orderRow(db(), paid.id)).status).toBe('paid');
  });

  it('refunds a payment that arrives for an order cancelled meanwhile', async () => {
    const placed = await order();
    const opened = await pay(placed.id);
    // The customer's payment page was still open: the payment went through at Stripe before
    // the cancellation reached it, and its webhook arrives after.
    const event = fake.succeed(opened.body.paymentIntentId);
    expect((await server.request('POST', `/api/orders/${placed.id}/cancel`, { token: customer })).status).toBe(200);
    expect((await deliver(signed(event))).status).toBe(200);
    expect(refundPosts(opened.body.paymentIntentId)).toHaveLength(1);
    expect((await orderRow(db(), placed.id)).status).toBe('cancelled');
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
    // Redelivered: nothing more.
    expect((await deliver(signed(event))).status).toBe(200);
    expect(refundPosts(opened.body.paymentIntentId)).toHaveLength(1);
  });
});

describe('refunds when staff cancel or refund a paid order', () => {
  const cancel = (id: number) => server.request('POST', `/api/orders/${id}/cancel`, { token: staff });
  const setStatus = (id: number, status: string) =>
    server.request('PUT', `/api/orders/${id}/status`, { token: staff, body: { status } });

  it('charges the total with its discount, shipping and tax, and refunds what was charged', async () => {
    const placed = await pricedOrder(db(), server.request, customer, staff);
    const opened = await pay(placed.id);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(fake.intents.get(opened.body.paymentIntentId)).toMatchObject({ amount: 2970, currency: 'usd' });
    expect((await deliver(signed(fake.succeed(opened.body.paymentIntentId)))).status).toBe(200);
    expect(await orderRow(db(), placed.id)).toMatchObject({ status: 'paid', attention: null, totalCents: 2970 });
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'succeeded', amountCents: 2970 })]);
    expect((await cancel(placed.id)).status).toBe(200);
    expect(refundPosts(opened.body.paymentIntentId).map((refund) => refund.amount)).toEqual([2970]);
  });

  it('refunds the Stripe payment exactly once, with a key derived from the order, even when cancelled again', async () => {
    const paid = await paidOrder();
    const stockBefore = await stockOf(db(), paid.productId);
    const res = await cancel(paid.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await stockOf(db(), paid.productId)).toBe(stockBefore + 2);
    expect(refundPosts(paid.intentId)).toHaveLength(1);
    const refundRequest = fake.requests.filter((r) => r.path === '/v1/refunds').at(-1)!;
    expect(refundRequest.idempotencyKey).toMatch(new RegExp(`^commerce-order-${paid.id}-\\d+-refund$`));
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);

    // Retried by staff: the order is cancelled already (409), and no second refund.
    expect((await cancel(paid.id)).status).toBe(409);
    expect((await setStatus(paid.id, 'refunded')).status).toBe(409);
    // Stripe's charge.refunded about this very refund changes nothing.
    const charge = fake.charges.get(fake.intents.get(paid.intentId)!.latest_charge!)!;
    expect((await deliver(signed(fake.event('charge.refunded', { ...charge })))).status).toBe(200);
    expect((await orderRow(db(), paid.id)).status).toBe('cancelled');
    expect(refundPosts(paid.intentId)).toHaveLength(1);
  });

  it('leaves the order paid when Stripe refuses the refund (502), and refunds once on the retry', async () => {
    const paid = await paidOrder();
    const stockBefore = await stockOf(db(), paid.productId);
    const eventsBefore = (await eventsOf(db(), paid.id)).length;
    fake.failNext('POST', '/v1/refunds', {
      answer: { status: 402, body: { error: { type: 'invalid_request_error', message: 'Insufficient balance to refund.' } } },
    });
    const failed = await cancel(paid.id);
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('BAD_GATEWAY');
    expect((await orderRow(db(), paid.id)).status).toBe('paid');
    expect(await stockOf(db(), paid.productId)).toBe(stockBefore);
    expect(await eventsOf(db(), paid.id)).toHaveLength(eventsBefore);
    expect(refundPosts(paid.intentId)).toHaveLength(0);

    expect((await cancel(paid.id)).status).toBe(200);
    expect(refundPosts(paid.intentId)).toHaveLength(1);
  });

  it('refunds once when the refund’s answer is lost and the SDK retries it', async () => {
    const paid = await paidOrder();
    fake.failNext('POST', '/v1/refunds', { dropAfterExecuting: true });
    expect((await cancel(paid.id)).status).toBe(200);
    expect(refundPosts(paid.intentId)).toHaveLength(1);
    const attempts = fake.requests.filter((r) => r.path === '/v1/refunds' && r.idempotencyKey?.startsWith(`commerce-order-${paid.id}-`));
    expect(attempts.map((r) => r.replayed)).toEqual([false, true]);
  });

  it('refunds once when staff cancel the same paid order 5 times at once', async () => {
    const paid = await paidOrder();
    const responses = await Promise.all(Array.from({ length: 5 }, () => cancel(paid.id)));
    expect(countBy(responses)).toEqual({ 200: 1, 409: 4 });
    expect(refundPosts(paid.intentId)).toHaveLength(1);
  });

  it('refunds through Stripe when staff move a paid or shipped order to refunded', async () => {
    const paid = await paidOrder();
    expect((await setStatus(paid.id, 'refunded')).status).toBe(200);
    expect(refundPosts(paid.intentId)).toHaveLength(1);

    const shipped = await paidOrder();
    expect((await setStatus(shipped.id, 'shipped')).status).toBe(200);
    expect(refundPosts(shipped.intentId)).toHaveLength(0);
    expect((await setStatus(shipped.id, 'refunded')).status).toBe(200);
    expect(refundPosts(shipped.intentId)).toHaveLength(1);
  });

  it('accepts a payment refunded in the Stripe dashboard already', async () => {
    const paid = await paidOrder();
    fake.refundOutside(paid.intentId); // its webhook has not arrived yet
    expect((await cancel(paid.id)).status).toBe(200);
    expect(refundPosts(paid.intentId)).toHaveLength(0);
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
  });

  it('calls no refund for an order marked paid by hand whose payment Stripe never captured', async () => {
    const placed = await order();
    const opened = await pay(placed.id);
    expect((await setStatus(placed.id, 'paid')).status).toBe(200);
    expect((await cancel(placed.id)).status).toBe(200);
    expect(refundPosts(opened.body.paymentIntentId)).toHaveLength(0);
  });
});

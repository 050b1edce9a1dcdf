import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { orderRow, paymentsOf, pendingOrder, pricedOrder, signed, WEBHOOK_PATH } from './payments-helpers';

// No STRIPE_SECRET_KEY: the offline provider. No money moves through the store; staff mark
// orders paid by hand.
let server: TestServer;
let customer: string;
let staff: string;

beforeAll(async () => {
  server = await startTestServer();
  customer = (await createUserWithToken(server.runtime, 'customer')).token;
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
});
afterAll(() => server?.close());

const db = () => server.runtime.deps.db;

describe('the offline payment provider', () => {
  it('answers /pay with provider offline and deterministic ids, the same on every call', async () => {
    const placed = await pendingOrder(db(), server.request, customer);
    const first = await server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      provider: 'offline',
      paymentIntentId: `offline_pi_${placed.id}`,
      clientSecret: `offline_secret_${placed.id}`,
      approvalUrl: null,
    });
    const again = await Promise.all(
      Array.from({ length: 5 }, () => server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer })),
    );
    for (const res of again) expect(res.body).toEqual(first.body);
    expect((await orderRow(db(), placed.id)).paymentIntentId).toBe(`offline_pi_${placed.id}`);
    expect(await paymentsOf(db(), placed.id)).toEqual([
      expect.objectContaining({ provider: 'offline', status: 'pending', amountCents: placed.totalCents }),
    ]);
  });

  it('records the payment of the total with its discount, shipping and tax', async () => {
    const placed = await pricedOrder(db(), server.request, customer, staff);
    expect((await server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer })).status).toBe(200);
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ provider: 'offline', status: 'pending', amountCents: 2970 })]);
  });

  it('refuses a provider that is not configured, or unknown, with a 400 naming the choice', async () => {
    const placed = await pendingOrder(db(), server.request, customer);
    const pay = (body: unknown) => server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer, body });
    const paypal = await pay({ provider: 'paypal' });
    expect(paypal.status).toBe(400);
    expect(paypal.body.message).toMatch(/paypal is not configured.*offline/);
    expect((await pay({ provider: 'bitcoin' })).status).toBe(400);
    expect((await pay({ provider: 'offline' })).status).toBe(400);
    expect(await paymentsOf(db(), placed.id)).toEqual([]);
  });

  it('takes no PayPal webhooks either, nor any under an unknown name (404)', async () => {
    for (const path of ['/api/webhooks/paypal', '/api/webhooks/bitcoin', '/api/webhooks/Offline', '/api/webhooks/offline']) {
      const res = await server.request('POST', path, { rawBody: '{}', headers: { 'content-type': 'application/json' } });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ message: expect.any(String), code: 'NOT_FOUND' });
    }
  });

  it('takes no webhooks: the Stripe route is a JSON 404, signed or not', async () => {
    const event = { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: {} } };
    const res = await server.request('POST', WEBHOOK_PATH, signed(event));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: expect.any(String), code: 'NOT_FOUND' });
  });

  it('lets staff mark an order paid by hand and cancel it again, with no refund to make', async () => {
    const placed = await pendingOrder(db(), server.request, customer);
    expect((await server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer })).status).toBe(200);
    const paid = await server.request('PUT', `/api/orders/${placed.id}/status`, { token: staff, body: { status: 'paid' } });
    expect(paid.status).toBe(200);
    expect((await server.request('POST', `/api/orders/${placed.id}/pay`, { token: customer })).status).toBe(409);
    const cancelled = await server.request('POST', `/api/orders/${placed.id}/cancel`, { token: staff });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('documents /pay and the webhook in the OpenAPI document', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    expect(Object.keys(doc.paths['/orders/{id}/pay'].post.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409', '502']),
    );
    const webhook = doc.paths['/webhooks/stripe'].post;
    expect(Object.keys(webhook.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(webhook.parameters).toEqual([expect.objectContaining({ in: 'header', name: 'Stripe-Signature', required: true })]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { paymentsFrom } from '../src/deps';
import { startFakePayPal, type FakePayPal } from './fake-paypal';
import { startFakeStripe, type FakeStripe } from './fake-stripe';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { stockOf } from './orders-helpers';
import { countBy, eventsOf, orderRow, paymentsOf, pendingOrder, pricedOrder, stripeEnv } from './payments-helpers';

// PayPal beside Stripe on one server: the real @paypal/paypal-server-sdk against a local fake
// of PayPal's REST API, and webhooks checked through its verify-webhook-signature call.
let paypal: FakePayPal;
let stripe: FakeStripe;
let server: TestServer;
let customer: string;
let staff: string;

const PAYPAL_WEBHOOK_PATH = '/api/webhooks/paypal';

beforeAll(async () => {
  [paypal, stripe] = await Promise.all([startFakePayPal(), startFakeStripe()]);
  server = await startTestServer({
    ...stripeEnv(stripe),
    PAYPAL_CLIENT_ID: paypal.clientId,
    PAYPAL_CLIENT_SECRET: paypal.clientSecret,
    PAYPAL_WEBHOOK_ID: paypal.webhookId,
    PAYPAL_API_BASE: paypal.apiBase,
  });
  [customer, staff] = await Promise.all([
    createUserWithToken(server.runtime, 'customer').then((u) => u.token),
    createUserWithToken(server.runtime, 'staff').then((u) => u.token),
  ]);
});

afterAll(async () => {
  await server?.close();
  await paypal?.close();
  await stripe?.close();
});

const db = () => server.runtime.deps.db;
const order = () => pendingOrder(db(), server.request, customer);
const pay = (id: number, body?: unknown) => server.request('POST', `/api/orders/${id}/pay`, { token: customer, body });
const deliver = (payload: unknown, options?: { forge?: boolean }) =>
  server.request('POST', PAYPAL_WEBHOOK_PATH, paypal.delivery(payload, options));
const cancel = (id: number, token = customer) => server.request('POST', `/api/orders/${id}/cancel`, { token });
const refundsOf = (paypalOrderId: string) => {
  const captureIds = new Set((paypal.orders.get(paypalOrderId)?.purchase_units[0]?.payments?.captures ?? []).map((c) => c.id));
  return paypal.refunds.filter((refund) => captureIds.has(refund.captureId));
};

/** A pending order with its PayPal order opened; answers both ids. */
async function openedWithPayPal() {
  const placed = await order();
  const res = await pay(placed.id, { provider: 'paypal' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ...placed, paypalOrderId: res.body.paymentIntentId as string };
}

/** A store order paid through PayPal: approved by the payer, captured by the store. */
async function paidWithPayPal() {
  const opened = await openedWithPayPal();
  expect((await deliver(paypal.approve(opened.paypalOrderId))).status).toBe(200);
  expect((await orderRow(db(), opened.id)).status).toBe('paid');
  return opened;
}

describe('POST /api/orders/{id}/pay with PayPal', () => {
  it('creates one PayPal order for the store order total and answers what the storefront approves it with', async () => {
    const placed = await order();
    const first = await pay(placed.id, { provider: 'paypal' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({
      provider: 'paypal',
      paymentIntentId: expect.stringMatching(/^[A-Z0-9]{17}$/),
      clientSecret: null,
      approvalUrl: `https://www.sandbox.paypal.com/checkoutnow?token=${first.body.paymentIntentId}`,
    });
    const created = paypal.orders.get(first.body.paymentIntentId)!;
    expect(created.purchase_units[0]).toMatchObject({ custom_id: String(placed.id), amount: { currency_code: 'USD', value: '25.00' } });
    const creation = paypal.requests.find((r) => r.method === 'POST' && r.path === '/v2/checkout/orders' && !r.replayed);
    expect(creation?.requestId).toMatch(/^commerce-order-\d+-\d+-payment$/);

    // Again, and 8 times at once: the same PayPal order.
    const again = await Promise.all(Array.from({ length: 8 }, () => pay(placed.id, { provider: 'paypal' })));
    expect(countBy(again)).toEqual({ 200: 8 });
    for (const res of again) expect(res.body).toEqual(first.body);
    expect([...paypal.orders.values()].filter((o) => o.purchase_units[0]!.custom_id === String(placed.id))).toHaveLength(1);
    expect(await paymentsOf(db(), placed.id)).toEqual([
      expect.objectContaining({ provider: 'paypal', providerPaymentId: first.body.paymentIntentId, status: 'pending', amountCents: 2500 }),
    ]);
  });

  it('pays with the default provider (Stripe) when none is named, and replaces it when the customer switches to PayPal', async () => {
    const placed = await order();
    const card = await pay(placed.id);
    expect(card.body).toMatchObject({ provider: 'stripe', approvalUrl: null, clientSecret: expect.stringContaining('_secret_') });
    const switched = await pay(placed.id, { provider: 'paypal' });
    expect(switched.status).toBe(200);
    expect(switched.body.provider).toBe('paypal');
    // The card payment can no longer take money.
    expect(stripe.intents.get(card.body.paymentIntentId)!.status).toBe('canceled');
    expect((await paymentsOf(db(), placed.id)).map((p) => [p.provider, p.status]).sort()).toEqual([
      ['paypal', 'pending'],
      ['stripe', 'replaced'],
    ]);
    expect((await orderRow(db(), placed.id)).paymentIntentId).toBe(switched.body.paymentIntentId);
  });

  it('refuses an unknown provider with a 400', async () => {
    const placed = await order();
    const res = await pay(placed.id, { provider: 'venmo' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });
});

describe('POST /api/webhooks/paypal', () => {
  it('captures an approved payment and marks the order paid, once however often PayPal sends it', async () => {
    const opened = await openedWithPayPal();
    const approved = paypal.approve(opened.paypalOrderId);
    const responses = await Promise.all(Array.from({ length: 6 }, () => deliver(approved)));
    expect(countBy(responses)).toEqual({ 200: 6 });
    expect((await orderRow(db(), opened.id)).status).toBe('paid');
    expect(paypal.orders.get(opened.paypalOrderId)!.status).toBe('COMPLETED');
    const captureCalls = paypal.requests.filter((r) => r.path === `/v2/checkout/orders/${opened.paypalOrderId}/capture`);
    expect(captureCalls).toHaveLength(1);
    expect(captureCalls[0]!.requestId).toMatch(/^commerce-order-\d+-\d+-capture$/);
    expect((await eventsOf(db(), opened.id)).filter((e) => e.toStatus === 'paid')).toEqual([
      expect.objectContaining({ fromStatus: 'pending', actorKind: 'system', note: expect.stringContaining('captured') }),
    ]);
    expect(await paymentsOf(db(), opened.id)).toEqual([expect.objectContaining({ provider: 'paypal', status: 'succeeded' })]);

    // PayPal's own capture event afterwards changes nothing.
    expect((await deliver(paypal.captureCompleted(opened.paypalOrderId))).status).toBe(200);
    expect((await eventsOf(db(), opened.id)).filter((e) => e.toStatus === 'paid')).toHaveLength(1);
  });

  it('marks an order paid on PAYMENT.CAPTURE.COMPLETED when the capture happened elsewhere', async () => {
    const opened = await openedWithPayPal();
    paypal.approve(opened.paypalOrderId);
    // Captured by a retry whose commit failed, say: PayPal reports the capture itself.
    const sdkCapture = await server.runtime.deps.payments.get('paypal')!.capturePayment!(opened.paypalOrderId, 'elsewhere');
    expect(sdkCapture).toEqual({ status: 'completed', amountCents: 2500, currency: 'USD' });
    expect((await deliver(paypal.captureCompleted(opened.paypalOrderId))).status).toBe(200);
    expect((await orderRow(db(), opened.id)).status).toBe('paid');
  });

  it('does not capture an approval that arrives after the order was cancelled: no money moves', async () => {
    const opened = await openedWithPayPal();
    const stockBefore = await stockOf(db(), opened.productId);
    expect((await cancel(opened.id)).status).toBe(200);
    expect(await stockOf(db(), opened.productId)).toBe(stockBefore + 2);
    expect(await paymentsOf(db(), opened.id)).toEqual([expect.objectContaining({ status: 'cancelled' })]);

    expect((await deliver(paypal.approve(opened.paypalOrderId))).status).toBe(200);
    expect(paypal.orders.get(opened.paypalOrderId)!.status).toBe('APPROVED');
    expect(paypal.requests.filter((r) => r.path.endsWith(`${opened.paypalOrderId}/capture`))).toEqual([]);
    expect((await orderRow(db(), opened.id)).status).toBe('cancelled');
  });

  it('records a declined capture on the timeline and leaves the order pending', async () => {
    const opened = await openedWithPayPal();
    paypal.declineNextCapture(opened.paypalOrderId);
    expect((await deliver(paypal.approve(opened.paypalOrderId))).status).toBe(200);
    const row = await orderRow(db(), opened.id);
    expect(row.status).toBe('pending');
    expect((await eventsOf(db(), opened.id)).at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'pending',
      actorKind: 'system',
      note: 'Payment failed (capture refused): INSTRUMENT_DECLINED',
    });
  });

  it('flags an approval for the wrong amount and does not capture it', async () => {
    const opened = await openedWithPayPal();
    const approved = paypal.approve(opened.paypalOrderId);
    (approved.resource as { purchase_units: Array<{ amount: { value: string } }> }).purchase_units[0]!.amount.value = '1.00';
    expect((await deliver(approved)).status).toBe(200);
    const row = await orderRow(db(), opened.id);
    expect(row.status).toBe('pending');
    expect(row.attention).toMatch(/paid 100 USD, the order is 2500 USD/);
    expect(paypal.orders.get(opened.paypalOrderId)!.status).toBe('APPROVED');
  });

  it('charges the total with its discount, shipping and tax, and refunds what was captured', async () => {
    const placed = await pricedOrder(db(), server.request, customer, staff);
    const opened = await pay(placed.id, { provider: 'paypal' });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(paypal.orders.get(opened.body.paymentIntentId)!.purchase_units[0]).toMatchObject({ amount: { currency_code: 'USD', value: '29.70' } });
    expect((await deliver(paypal.approve(opened.body.paymentIntentId))).status).toBe(200);
    expect(await orderRow(db(), placed.id)).toMatchObject({ status: 'paid', attention: null });
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'succeeded', amountCents: 2970 })]);
    expect((await cancel(placed.id, staff)).status).toBe(200);
    expect(refundsOf(opened.body.paymentIntentId)).toHaveLength(1);
    expect(await paymentsOf(db(), placed.id)).toEqual([expect.objectContaining({ status: 'refunded', amountCents: 2970 })]);
  });

  it('refunds through PayPal when staff cancel a paid order, once', async () => {
    const paid = await paidWithPayPal();
    const res = await cancel(paid.id, staff);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(refundsOf(paid.paypalOrderId)).toHaveLength(1);
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'refunded' })]);
    const refundCall = paypal.requests.find((r) => r.path.endsWith('/refund'));
    expect(refundCall?.requestId).toMatch(/^commerce-order-\d+-\d+-refund$/);
    // PayPal's refund event about this very refund changes nothing.
    const charge = paypal.orders.get(paid.paypalOrderId)!.purchase_units[0]!.payments!.captures[0]!;
    expect(charge.status).toBe('REFUNDED');
    expect((await cancel(paid.id, staff)).status).toBe(409);
    expect(refundsOf(paid.paypalOrderId)).toHaveLength(1);
  });

  it('leaves a paid order and its payment alone on a partial PAYMENT.CAPTURE.REFUNDED', async () => {
    const paid = await paidWithPayPal();
    const partial = paypal.refundOutside(paid.paypalOrderId);
    const resource = partial.resource as { seller_payable_breakdown: { total_refunded_amount: { value: string } } };
    resource.seller_payable_breakdown.total_refunded_amount.value = '5.00';
    expect((await deliver(partial)).status).toBe(200);
    expect((await orderRow(db(), paid.id)).status).toBe('paid');
    expect(await paymentsOf(db(), paid.id)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
  });

  it('marks a paid order refunded on PAYMENT.CAPTURE.REFUNDED from PayPal’s dashboard', async () => {
    const paid = await paidWithPayPal();
    expect((await deliver(paypal.refundOutside(paid.paypalOrderId))).status).toBe(200);
    expect((await orderRow(db(), paid.id)).status).toBe('refunded');
    expect((await eventsOf(db(), paid.id)).at(-1)).toMatchObject({ fromStatus: 'paid', toStatus: 'refunded', actorKind: 'system' });
  });

  it('refuses what PayPal does not confirm, or cannot be read, with a 400; ignores unused types with a 200; never a 500', async () => {
    const opened = await openedWithPayPal();
    const approved = paypal.approve(opened.paypalOrderId);
    expect((await deliver(approved, { forge: true })).status).toBe(400);
    const good = paypal.delivery(approved);
    const { 'paypal-transmission-sig': _sig, ...unsigned } = good.headers;
    expect((await server.request('POST', PAYPAL_WEBHOOK_PATH, { rawBody: good.rawBody, headers: unsigned })).status).toBe(400);
    const tampered = { rawBody: good.rawBody.replace('"1.0"', '"2.0"'), headers: good.headers };
    expect((await server.request('POST', PAYPAL_WEBHOOK_PATH, tampered)).status).toBe(400);
    expect((await orderRow(db(), opened.id)).status).toBe('pending');

    const odd: unknown[] = [
      {},
      [],
      'text',
      { id: 'WH-1', event_type: 'CHECKOUT.ORDER.APPROVED' },
      paypal.event('CHECKOUT.ORDER.APPROVED', { id: opened.paypalOrderId }),
      paypal.event('CHECKOUT.ORDER.APPROVED', { id: opened.paypalOrderId, purchase_units: [] }),
      paypal.event('CHECKOUT.ORDER.APPROVED', { id: 7, purchase_units: [{ amount: { currency_code: 'USD', value: '25.00' } }] }),
      paypal.event('CHECKOUT.ORDER.APPROVED', { id: opened.paypalOrderId, purchase_units: [{ amount: { currency_code: 'usd', value: 25 } }] }),
      paypal.event('PAYMENT.CAPTURE.COMPLETED', 'a string'),
      paypal.event('PAYMENT.CAPTURE.REFUNDED', { id: 'R1', links: 'up' }),
    ];
    for (const payload of odd) {
      const res = await deliver(payload);
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body.code).toBe('BAD_REQUEST');
    }
    expect((await deliver(paypal.event('BILLING.SUBSCRIPTION.CREATED', { id: 'I-1', odd: [null] }))).status).toBe(200);
    expect((await orderRow(db(), opened.id)).status).toBe('pending');
    expect(paypal.orders.get(opened.paypalOrderId)!.status).toBe('APPROVED');
  });
});

describe('payment configuration', () => {
  it('configures PayPal beside Stripe, Stripe first, and the offline provider only without either', () => {
    const paypalOnly = { PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 'secret' };
    expect(paymentsFrom(loadConfig(paypalOnly)).map((p) => p.name)).toEqual(['paypal']);
    expect(paymentsFrom(loadConfig({ ...paypalOnly, STRIPE_SECRET_KEY: 'sk_test_x' })).map((p) => p.name)).toEqual(['stripe', 'paypal']);
    expect(paymentsFrom(loadConfig({})).map((p) => p.name)).toEqual(['offline']);
  });

  it('refuses half of PayPal’s credentials, production PayPal without a webhook id, and odd timeouts, naming the variable', () => {
    expect(() => loadConfig({ PAYPAL_CLIENT_ID: 'id' })).toThrow(/PAYPAL_CLIENT_SECRET/);
    expect(() => loadConfig({ PAYPAL_CLIENT_SECRET: 'secret' })).toThrow(/PAYPAL_CLIENT_ID/);
    const production = { NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'a-real-password-for-this-test', PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 's' };
    expect(() => loadConfig(production)).toThrow(/PAYPAL_WEBHOOK_ID/);
    // PayPal alone is a payment provider: production needs neither Stripe nor PAYMENTS_OFFLINE then.
    expect(loadConfig({ ...production, PAYPAL_WEBHOOK_ID: 'WH-1' }).PAYPAL_CLIENT_ID).toBe('id');
    for (const value of ['0', '10081', '1.5', '-3', 'soon']) expect(() => loadConfig({ PAYMENT_TIMEOUT_MINUTES: value })).toThrow(/PAYMENT_TIMEOUT_MINUTES/);
    expect(() => loadConfig({ PAYMENT_EXPIRY_SWEEP_SECONDS: '0' })).toThrow(/PAYMENT_EXPIRY_SWEEP_SECONDS/);
    expect(() => loadConfig({ PAYPAL_ENVIRONMENT: 'live' })).toThrow(/PAYPAL_ENVIRONMENT/);
    expect(() => loadConfig({ PAYPAL_API_BASE: 'ftp://x' })).toThrow(/PAYPAL_API_BASE/);
    expect(loadConfig({}).PAYMENT_TIMEOUT_MINUTES).toBe(30);
  });
});

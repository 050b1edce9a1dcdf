import { orderStatuses, orders, payments, users, type OrderStatus } from '@commerce/db';
import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { actorFor } from '../orders/actor';
import { placeOrder } from '../orders/create';
import { refundsPayment } from '../orders/status';
import { transitionOrder } from '../orders/transition';
import { createTestDeps, insertTestProduct } from '../testing';
import { OfflinePaymentProvider } from './offline';
import { payOrder } from './pay';
import { orderIdFromMetadata } from './provider';
import { fromPayPalValue, PayPalPaymentProvider, toPayPalValue } from './paypal';
import { PaymentProviders } from './registry';
import { eventOf, StripePaymentProvider } from './stripe';

const stripeEvent = (type: string, object: Record<string, unknown>) =>
  ({ id: 'evt_1', object: 'event', type, data: { object } }) as unknown as Stripe.Event;

describe('reading Stripe events', () => {
  it('maps payment_intent.succeeded to paid, with the order from metadata', () => {
    const event = stripeEvent('payment_intent.succeeded', {
      id: 'pi_1',
      amount: 2500,
      amount_received: 2500,
      currency: 'eur',
      metadata: { orderId: '42' },
    });
    expect(eventOf(event)).toEqual({
      id: 'evt_1',
      type: 'payment_intent.succeeded',
      effect: 'paid',
      paymentIntentId: 'pi_1',
      orderId: 42,
      amountCents: 2500,
      currency: 'EUR',
    });
  });

  it('maps a full charge.refunded to refunded through its payment intent, and ignores partial refunds', () => {
    const charge = { id: 'ch_1', amount: 900, currency: 'usd', refunded: true, metadata: {}, payment_intent: 'pi_2' };
    expect(eventOf(stripeEvent('charge.refunded', charge))).toMatchObject({ effect: 'refunded', paymentIntentId: 'pi_2' });
    // An expanded payment_intent works as well.
    expect(eventOf(stripeEvent('charge.refunded', { ...charge, payment_intent: { id: 'pi_3' } }))).toMatchObject({
      paymentIntentId: 'pi_3',
    });
    expect(eventOf(stripeEvent('charge.refunded', { ...charge, refunded: false }))).toMatchObject({
      effect: null,
      note: expect.stringMatching(/partial/),
    });
  });

  it('gives other event types no effect', () => {
    expect(eventOf(stripeEvent('customer.created', { id: 'cus_1' })).effect).toBeNull();
    expect(eventOf(stripeEvent('charge.succeeded', { id: 'ch_1' })).effect).toBeNull();
  });

  it('maps payment_intent.payment_failed to failed, with Stripe’s reason as the note', () => {
    const intent = {
      id: 'pi_4',
      amount: 1200,
      currency: 'usd',
      metadata: { orderId: '9' },
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    };
    expect(eventOf(stripeEvent('payment_intent.payment_failed', intent))).toMatchObject({
      effect: 'failed',
      paymentIntentId: 'pi_4',
      orderId: 9,
      note: 'card_declined: insufficient_funds: Your card has insufficient funds.',
    });
  });

  it('refuses used event types whose object lacks what the store reads (400), and any body that is not an event', () => {
    const cases: Array<[string, unknown]> = [
      ['payment_intent.succeeded', { amount: 100, currency: 'usd' }],
      ['payment_intent.succeeded', { id: 'pi_1', amount: '100', currency: 'usd' }],
      ['payment_intent.succeeded', { id: 'pi_1', amount: 1.5, currency: 'usd' }],
      ['payment_intent.succeeded', { id: 'pi_1', amount: 100, currency: 'dollars' }],
      ['payment_intent.succeeded', { id: 'x'.repeat(300), amount: 100, currency: 'usd' }],
      ['charge.refunded', { id: 'ch_1', amount: 100, currency: 'usd' }],
      ['charge.refunded', { id: 'ch_1', amount: 100, currency: 'usd', refunded: true, payment_intent: 42 }],
    ];
    for (const [type, object] of cases) {
      expect(() => eventOf(stripeEvent(type, object as Record<string, unknown>)), JSON.stringify(object)).toThrow(
        expect.objectContaining({ code: 'BAD_REQUEST' }),
      );
    }
    for (const body of [{}, [], 'evt', { id: 'evt_1', type: 'x' }, { id: 7, type: 'x', data: { object: {} } }, { id: 'evt_1', type: 'x', data: { object: null } }]) {
      expect(() => eventOf(body as unknown as Stripe.Event), JSON.stringify(body)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
    // Unused types are not read beyond the envelope: answered 200 and ignored, whatever their object holds.
    expect(eventOf(stripeEvent('customer.created', { id: 7, weird: [null] })).effect).toBeNull();
  });

  it('takes only well-formed order ids from metadata', () => {
    expect(orderIdFromMetadata('7')).toBe(7);
    expect(orderIdFromMetadata('2147483647')).toBe(2_147_483_647);
    for (const bad of ['0', '007', '-1', '1.5', '2147483648', '99999999999', ' 7', '', 7, null, undefined]) {
      expect(orderIdFromMetadata(bad), String(bad)).toBeNull();
    }
  });
});

describe('PayPal amounts', () => {
  it('writes minor units as PayPal’s decimal strings and reads them back exactly', () => {
    expect(toPayPalValue(2500, 'USD')).toBe('25.00');
    expect(toPayPalValue(5, 'EUR')).toBe('0.05');
    expect(toPayPalValue(199_999, 'GBP')).toBe('1999.99');
    expect(toPayPalValue(1250, 'JPY')).toBe('1250');
    for (const [cents, currency] of [[2500, 'USD'], [5, 'EUR'], [2_147_483_647, 'USD'], [1250, 'JPY'], [0, 'USD']] as const) {
      expect(fromPayPalValue(toPayPalValue(cents, currency), currency)).toBe(cents);
    }
    expect(fromPayPalValue('25.5', 'USD')).toBe(2550);
    expect(fromPayPalValue('25', 'USD')).toBe(2500);
  });

  it('reads nothing it is not sure of as an amount', () => {
    for (const bad of ['', '25.005', '-1.00', '1e3', ' 25.00', '25.00 ', '0x10', '12.5.0', '25,00', '1'.repeat(13)]) {
      expect(fromPayPalValue(bad, 'USD'), bad).toBeNull();
    }
    expect(fromPayPalValue('12.50', 'JPY')).toBeNull();
  });
});

describe('PaymentProviders', () => {
  const offline = new OfflinePaymentProvider();
  const stripe = new StripePaymentProvider({ secretKey: 'sk_test_unit', webhookSecret: 'whsec_unit' });
  const paypal = new PayPalPaymentProvider({ clientId: 'id', clientSecret: 'secret' });

  it('defaults to the first provider, chooses others by name, and names those configured when asked for another', () => {
    const registry = new PaymentProviders([stripe, paypal]);
    expect(registry.choose(undefined)).toBe(stripe);
    expect(registry.choose('paypal')).toBe(paypal);
    expect(() => registry.choose('offline')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', message: expect.stringMatching(/stripe, paypal/) }));
    expect(registry.names).toEqual(['stripe', 'paypal']);
  });

  it('routes webhooks only to providers that take them', () => {
    const registry = new PaymentProviders([stripe, paypal, offline]);
    expect(registry.webhookReceiver('stripe')).toBe(stripe);
    // No PAYPAL_WEBHOOK_ID: configured for payments, not for webhooks.
    expect(registry.webhookReceiver('paypal')).toBeUndefined();
    expect(registry.webhookReceiver('offline')).toBeUndefined();
    expect(registry.webhookReceiver('toString')).toBeUndefined();
  });

  it('refuses no providers and two of one name', () => {
    expect(() => new PaymentProviders([])).toThrow();
    expect(() => new PaymentProviders([offline, new OfflinePaymentProvider()])).toThrow();
  });
});

describe('Stripe webhook signatures', () => {
  const secret = 'whsec_unit';
  const body = JSON.stringify({ id: 'evt_9', object: 'event', type: 'customer.created', data: { object: {} } });
  const signedAt = 1_900_000_000;
  const header = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: signedAt });
  const provider = (nowSeconds: number, webhookSecret: string | null = secret) =>
    new StripePaymentProvider({
      secretKey: 'sk_test_unit',
      webhookSecret: webhookSecret ?? undefined,
      clock: { now: () => new Date(nowSeconds * 1000) },
    });

  it('accepts a signature within 300 s of the injected clock, and refuses it later', async () => {
    await expect(provider(signedAt + 299).parseWebhook(Buffer.from(body), { 'stripe-signature': header })).resolves.toMatchObject({ id: 'evt_9' });
    await expect(provider(signedAt + 301).parseWebhook(Buffer.from(body), { 'stripe-signature': header })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/tolerance/),
    });
  });

  it('refuses a missing signature (400) and answers 404 when no webhook secret is configured', async () => {
    await expect(provider(signedAt).parseWebhook(Buffer.from(body), {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const unconfigured = provider(signedAt, null);
    expect(unconfigured.webhooks).toBe(false);
    await expect(unconfigured.parseWebhook(Buffer.from(body), { 'stripe-signature': header })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('refundsPayment', () => {
  it('is true exactly for the moves that give money back', () => {
    const moves = orderStatuses.flatMap((from) => orderStatuses.map((to) => [from, to] as [OrderStatus, OrderStatus]));
    const refunding = moves.filter(([from, to]) => from !== to && refundsPayment(from, to)).map(([f, t]) => `${f}>${t}`);
    expect(refunding).toEqual(expect.arrayContaining(['paid>cancelled', 'paid>refunded', 'shipped>refunded', 'delivered>refunded']));
    expect(refunding).not.toContain('pending>cancelled');
  });
});

describe('payments against Postgres (offline provider)', () => {
  let deps: Deps;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ deps, close } = await createTestDeps({ payments: new OfflinePaymentProvider(), poolMax: 4 }));
  });
  afterAll(() => close?.());

  async function placed() {
    const [user] = await deps.db
      .insert(users)
      .values({ email: `p-${Math.random()}@example.test`, passwordHash: 'x' })
      .returning({ id: users.id });
    const product = await insertTestProduct(deps.db, { priceCents: 700, stock: 5 });
    const viewer = { userId: user!.id, role: 'customer' as const };
    const order = await placeOrder(deps, viewer, { items: [{ productId: product!.id, quantity: 1 }] });
    return { viewer, order };
  }

  it('refuses a free order: there is nothing to pay', async () => {
    const { viewer, order } = await placed();
    await deps.db.update(orders).set({ subtotalCents: 0, totalCents: 0 }).where(eq(orders.id, order.id));
    await expect(payOrder(deps, viewer, { id: order.id })).rejects.toMatchObject({ code: 'NOTHING_TO_PAY' });
  });

  it('refuses to cancel a paid order whose Stripe payment this server cannot refund, leaving it paid', async () => {
    const { order } = await placed();
    // Paid through Stripe while the store had it configured; the server now runs offline.
    await deps.db.insert(payments).values({
      orderId: order.id,
      provider: 'stripe',
      providerPaymentId: `pi_elsewhere_${order.id}`,
      status: 'succeeded',
      amountCents: order.totalCents,
      currency: order.currency,
    });
    await deps.db.update(orders).set({ status: 'paid', paymentIntentId: `pi_elsewhere_${order.id}` }).where(eq(orders.id, order.id));
    const [staff] = await deps.db
      .insert(users)
      .values({ email: `s-${Math.random()}@example.test`, passwordHash: 'x', role: 'staff' })
      .returning({ id: users.id });
    const actor = actorFor({ userId: staff!.id, role: 'staff' });
    await expect(transitionOrder(deps, actor, order.id, 'cancelled')).rejects.toMatchObject({
      code: 'PAYMENT_PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/stripe/),
    });
    const [row] = await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, order.id));
    expect(row!.status).toBe('paid');
  });
});

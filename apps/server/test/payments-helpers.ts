import type { Database } from '@commerce/db';
import Stripe from 'stripe';
import { expect } from 'vitest';
import type { FakeStripe } from './fake-stripe';
import type { Env, TestResponse } from './helpers';
import { createProduct } from './orders-helpers';

export const WEBHOOK_SECRET = 'whsec_commerce_test_secret';
export const WEBHOOK_PATH = '/api/webhooks/stripe';

/** A server whose Stripe is the fake, with real webhook signing. */
export const stripeEnv = (fake: FakeStripe): Env => ({
  STRIPE_SECRET_KEY: fake.secretKey,
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: fake.apiBase,
  // Payment tests place many orders as one customer: the per-user order limit is not under test here.
  RATE_LIMIT_ORDERS_PER_USER: '1000',
});

export interface Delivery {
  rawBody: string;
  headers: Record<string, string>;
}

/** An event as Stripe delivers it: the JSON body and a real `Stripe-Signature` over it. */
export function signed(payload: unknown, options: { secret?: string; timestamp?: number } = {}): Delivery {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret: options.secret ?? WEBHOOK_SECRET,
    ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
  });
  return { rawBody, headers: { 'stripe-signature': signature, 'content-type': 'application/json; charset=utf-8' } };
}

type Send = (method: string, path: string, options: { token?: string; rawBody?: string; headers?: Record<string, string> }) => Promise<TestResponse>;

/** A pending order of `quantity` units at 12.50 placed by the customer; answers its id and total. */
export async function pendingOrder(
  db: Database,
  send: Send,
  token: string,
  quantity = 2,
): Promise<{ id: number; totalCents: number; productId: number }> {
  const productId = await createProduct(db, { priceCents: 1250, stock: 50 });
  const res = await send('POST', '/api/orders', {
    token,
    rawBody: JSON.stringify({ items: [{ productId, quantity }] }),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { id: res.body.id, totalCents: res.body.totalCents, productId };
}

export async function orderRow(db: Database, id: number) {
  const row = await db.query.orders.findFirst({ where: (o, { eq }) => eq(o.id, id) });
  if (!row) throw new Error(`no order ${id}`);
  return row;
}

export const eventsOf = (db: Database, orderId: number) =>
  db.query.orderEvents.findMany({ where: (e, { eq }) => eq(e.orderId, orderId), orderBy: (e, { asc }) => [asc(e.id)] });

export const paymentsOf = (db: Database, orderId: number) =>
  db.query.payments.findMany({ where: (p, { eq }) => eq(p.orderId, orderId) });

/** The intents the fake opened for an order (by the metadata the store sets). */
export const intentsFor = (fake: FakeStripe, orderId: number) =>
  [...fake.intents.values()].filter((intent) => intent.metadata.orderId === String(orderId));

export const countBy = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

let pricedOrders = 0;

/**
 * A pending order with a coupon, shipping and tax, so its total is not the sum of its lines:
 * 2 × 12.50 = 25.00, 20 % off (5.00), shipping 7.00, tax 10 % on the goods and the shipping
 * (2.00 + 0.70): 29.70. Staff set up the coupon, method and rate for a country of its own.
 */
export async function pricedOrder(db: Database, send: Send, token: string, staff: string): Promise<{ id: number; totalCents: number; productId: number }> {
  pricedOrders += 1;
  const country = `Y${String.fromCharCode(64 + pricedOrders)}`;
  const code = `PAY${pricedOrders}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
  const post = async (path: string, body: unknown, as = staff) => {
    const res = await send('POST', path, { token: as, rawBody: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { id: number; totalCents: number };
  };
  await post('/api/coupons', { code, kind: 'percent', value: 20 });
  const method = await post('/api/shipping-methods', { name: 'Post', priceCents: 700, countries: [country], minDays: 1, maxDays: 3 });
  await post('/api/tax-rates', { country, ratePercent: 10, includesShipping: true });
  const productId = await createProduct(db, { priceCents: 1250, stock: 50 });
  const placed = await post(
    '/api/orders',
    { items: [{ productId, quantity: 2 }], couponCode: code, shippingMethodId: method.id, shippingAddress: { ...pricedAddress, country } },
    token,
  );
  expect(placed).toMatchObject({ subtotalCents: 2500, discountCents: 500, shippingCents: 700, taxCents: 270, totalCents: 2970 });
  return { id: placed.id, totalCents: placed.totalCents, productId };
}

const pricedAddress = { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 7AA' };

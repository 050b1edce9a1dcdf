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

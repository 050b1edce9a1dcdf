import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { createUserWithToken, httpRequest, spawnServer, testEnv, type ServerProcess, type TestResponse } from './helpers';
import { createProduct, stockOf } from './orders-helpers';

// A coupon's usage limit is a claim about scale: it must hold when checkouts race in two
// server processes on one Postgres, not only within one connection pool.
let servers: ServerProcess[] = [];
let runtime: Runtime;
let database: TestDatabase;
let staff: string;

beforeAll(async () => {
  const setup = await testEnv();
  database = setup.database;
  runtime = await createRuntime(loadConfig(setup.env));
  servers = await Promise.all([spawnServer(setup.env), spawnServer(setup.env)]);
  staff = (await createUserWithToken(runtime, 'staff')).token;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await runtime?.close();
  await database?.drop();
});

const db = () => runtime.deps.db;
const send = (i: number, method: string, path: string, options: Parameters<typeof httpRequest>[3] = {}) =>
  httpRequest(servers[i % 2]!.url, method, path, options);
const statuses = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

/** `count` customers, each with one unit of `productId` and the coupon in their cart. */
async function shoppers(count: number, productId: number, code: string): Promise<string[]> {
  const tokens = await Promise.all(Array.from({ length: count }, async () => (await createUserWithToken(runtime, 'customer')).token));
  for (const [i, token] of tokens.entries()) {
    expect((await send(i, 'POST', '/api/cart/items', { token, body: { productId, quantity: 1 } })).status).toBe(200);
    expect((await send(i, 'PUT', '/api/cart/coupon', { token, body: { code } })).status).toBe(200);
  }
  return tokens;
}

const checkoutAll = (tokens: string[]) => Promise.all(tokens.map((token, i) => send(i, 'POST', '/api/cart/checkout', { token, body: {} })));

async function couponState(id: number) {
  const coupon = await db().query.coupons.findFirst({ where: (c, { eq }) => eq(c.id, id) });
  const redemptions = await db().query.couponRedemptions.findMany({ where: (r, { eq }) => eq(r.couponId, id) });
  return { timesUsed: coupon!.timesUsed, redemptions: redemptions.length };
}

describe('a coupon limited to 5 uses, across two server processes', () => {
  it('is carried by exactly 5 of 110 concurrent checkouts: the rest get 409 coupon_exhausted, nobody a 500; a cancelled order gives its use back', async () => {
    const productId = await createProduct(db(), { priceCents: 2000, stock: 500 });
    const created = await send(0, 'POST', '/api/coupons', { token: staff, body: { code: 'FIVEONLY', kind: 'percent', value: 25, usageLimit: 5 } });
    expect(created.status).toBe(200);
    const tokens = await shoppers(110, productId, 'fiveonly');

    const responses = await checkoutAll(tokens);
    expect(statuses(responses)).toEqual({ 200: 5, 409: 105 });
    for (const r of responses.filter((r) => r.status === 409)) expect(r.body.reason).toBe('coupon_exhausted');
    const placed = responses.filter((r) => r.status === 200);
    for (const r of placed) expect(r.body).toMatchObject({ couponCode: 'FIVEONLY', discountCents: 500, totalCents: 1500 });
    expect(await couponState(created.body.id)).toEqual({ timesUsed: 5, redemptions: 5 });
    // Refused checkouts took no stock and kept their carts.
    expect(await stockOf(db(), productId)).toBe(500 - 5);

    // Two unpaid orders cancelled: exactly two more of the waiting carts get the coupon.
    const cancelledBy = placed.slice(0, 2).map((r) => tokens[responses.indexOf(r)]!);
    for (const [i, r] of placed.slice(0, 2).entries()) {
      expect((await send(i, 'POST', `/api/orders/${r.body.id}/cancel`, { token: cancelledBy[i] })).status).toBe(200);
    }
    expect(await couponState(created.body.id)).toEqual({ timesUsed: 3, redemptions: 3 });
    const waiting = tokens.filter((_, i) => responses[i]!.status === 409).slice(0, 40);
    const retried = await checkoutAll(waiting);
    expect(statuses(retried)).toEqual({ 200: 2, 409: 38 });
    expect(await couponState(created.body.id)).toEqual({ timesUsed: 5, redemptions: 5 });
  });
});

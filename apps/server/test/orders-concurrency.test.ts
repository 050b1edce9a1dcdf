import { insertTestProduct } from '@commerce/core/testing';
import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { createUserWithToken, httpRequest, spawnServer, testEnv, type ServerProcess, type TestResponse } from './helpers';
import { createProduct, keyHeader, stockOf } from './orders-helpers';

// Two server processes on one Postgres and one Redis: the claims below are about scale,
// so they hold across processes, not just within one connection pool.
let servers: ServerProcess[] = [];
let runtime: Runtime;
let database: TestDatabase;
let tokens: string[] = [];

beforeAll(async () => {
  const setup = await testEnv();
  database = setup.database;
  runtime = await createRuntime(loadConfig(setup.env));
  servers = await Promise.all([spawnServer(setup.env), spawnServer(setup.env)]);
  tokens = await Promise.all(Array.from({ length: 6 }, async () => (await createUserWithToken(runtime, 'customer')).token));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await runtime?.close();
  await database?.drop();
});

const db = () => runtime.deps.db;

/** Request i goes to process i % 2, as user i % tokens.length. */
function fire(count: number, body: (i: number) => unknown, headers: (i: number) => Record<string, string> = () => ({})) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      httpRequest(servers[i % 2]!.url, 'POST', '/api/orders', { token: tokens[i % tokens.length], body: body(i), headers: headers(i) }),
    ),
  );
}

const statuses = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((count, r) => ({ ...count, [r.status]: (count[r.status] ?? 0) + 1 }), {});

async function orderedQuantity(productId: number): Promise<number> {
  const items = await db().query.orderItems.findMany({ where: (t, { eq }) => eq(t.productId, productId) });
  return items.reduce((sum, item) => sum + item.quantity, 0);
}

describe('across two server processes', () => {
  it('sells exactly the stock to 120 concurrent orders: the rest get 409, nobody a 500', async () => {
    const stock = 7;
    const p = await createProduct(db(), { stock });
    const responses = await fire(120, () => ({ items: [{ productId: p, quantity: 1 }] }));
    expect(statuses(responses)).toEqual({ 200: stock, 409: 120 - stock });
    for (const r of responses.filter((r) => r.status === 409)) expect(r.body.message).toContain(`product ${p}`);
    expect(await stockOf(db(), p)).toBe(0);
    expect(await orderedQuantity(p)).toBe(stock);
  });

  it('gives 20 concurrent retries with one key the same order, taking stock once', async () => {
    const p = await createProduct(db(), { stock: 50 });
    const token = tokens[0]!;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        httpRequest(servers[i % 2]!.url, 'POST', '/api/orders', {
          token,
          body: { items: [{ productId: p, quantity: 3 }] },
          headers: keyHeader('one-key-many-tries'),
        }),
      ),
    );
    expect(statuses(responses)).toEqual({ 200: 20 });
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await stockOf(db(), p)).toBe(47);
    expect(await orderedQuantity(p)).toBe(3);
  });

  it('never deadlocks nor oversells with multi-line orders in opposite line order', async () => {
    const a = await createProduct(db(), { stock: 10 });
    const b = await createProduct(db(), { stock: 10 });
    const responses = await fire(60, (i) => ({
      items:
        i % 4 < 2
          ? [
              { productId: a, quantity: 1 },
              { productId: b, quantity: 1 },
            ]
          : [
              { productId: b, quantity: 1 },
              { productId: a, quantity: 1 },
            ],
    }));
    expect(statuses(responses)).toEqual({ 200: 10, 409: 50 });
    expect(await stockOf(db(), a)).toBe(0);
    expect(await stockOf(db(), b)).toBe(0);
    expect(await orderedQuantity(a)).toBe(10);
    expect(await orderedQuantity(b)).toBe(10);
  });

  it('sells exactly each variant\'s stock to 120 concurrent orders at two variants of one product', async () => {
    const { id: p, variantIds } = await insertTestProduct(db(), {
      variants: [
        { size: 'S', stock: 4 },
        { size: 'M', stock: 3 },
      ],
    });
    const [small, medium] = variantIds as [number, number];
    const responses = await fire(120, (i) => ({ items: [{ productId: p, variantId: i % 4 < 2 ? small : medium, quantity: 1 }] }));
    expect(statuses(responses)).toEqual({ 200: 7, 409: 113 });
    for (const r of responses.filter((r) => r.status === 409)) {
      expect(r.body.reason).toBe('out_of_stock');
      expect([small, medium]).toContain(r.body.data.variantId);
    }
    const sold = (variantId: number) =>
      responses.filter((r) => r.status === 200 && r.body.items[0].variantId === variantId).length;
    expect([sold(small), sold(medium)]).toEqual([4, 3]);
    const variants = await db().query.productVariants.findMany({ where: (t, { eq }) => eq(t.productId, p), orderBy: (t) => t.id });
    expect(variants.map((v) => v.stock)).toEqual([0, 0]);
    expect(await stockOf(db(), p)).toBe(0);
    expect(await orderedQuantity(p)).toBe(7);
  });

  it('keeps stock exact when cancels race with new orders', async () => {
    const p = await createProduct(db(), { stock: 5 });
    const placed = await fire(5, () => ({ items: [{ productId: p, quantity: 1 }] }));
    expect(statuses(placed)).toEqual({ 200: 5 });
    const cancels = placed.map((r, i) =>
      httpRequest(servers[i % 2]!.url, 'POST', `/api/orders/${r.body.id}/cancel`, { token: tokens[i % tokens.length] }),
    );
    const [cancelled, more] = await Promise.all([Promise.all(cancels), fire(30, () => ({ items: [{ productId: p, quantity: 1 }] }))]);
    expect(statuses(cancelled)).toEqual({ 200: 5 });
    const sold = more.filter((r) => r.status === 200).length;
    expect(sold).toBeLessThanOrEqual(5);
    expect(statuses(more)).toEqual(sold === 0 ? { 409: 30 } : { 200: sold, 409: 30 - sold });
    expect(await stockOf(db(), p)).toBe(5 - sold);
  });
});

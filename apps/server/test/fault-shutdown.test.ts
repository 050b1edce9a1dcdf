import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, spawnServer, testEnv, type Env, type TestResponse } from './helpers';
import { address } from './orders-helpers';

let env: Env;
let database: TestDatabase;
let sql: postgres.Sql;

beforeAll(async () => {
  ({ env, database } = await testEnv({
    DATABASE_POOL_MAX: '10',
    RATE_LIMIT_REQUESTS_PER_IP: '0',
    RATE_LIMIT_REQUESTS_PER_USER: '0',
    RATE_LIMIT_ORDERS_PER_USER: '0',
    RATE_LIMIT_REGISTER_PER_IP: '1000',
  }));
  sql = postgres(database.url, { max: 2, onnotice: () => {} });
});
afterAll(async () => {
  await sql.end();
  await database.drop();
});

const ORDERS = 60;
const STOCK = 1000;

describe('SIGTERM during a burst of orders', () => {
  it('completes every accepted order; a retry of the rest with its key makes each order exactly once', async () => {
    const first = await spawnServer(env);
    const [product] = await sql<{ id: number }[]>`
      insert into products (slug, name, price_cents, stock) values ('burst-kettle', 'Burst kettle', 1500, ${STOCK}) returning id`;
    await sql`insert into product_variants (product_id, title, price_cents, stock) values (${product!.id}, 'Default', 1500, ${STOCK})`;
    const registered = await httpRequest(first.url, 'POST', '/api/auth/register', {
      body: { email: `burst-${Date.now()}@example.test`, password: 'correct horse battery' },
    });
    expect(registered.status).toBe(200);
    const token = registered.body.token as string;
    const place = (url: string, i: number) =>
      httpRequest(url, 'POST', '/api/orders', {
        token,
        body: { items: [{ productId: product!.id, quantity: 1 }], shippingAddress: address },
        headers: { 'idempotency-key': `burst-order-${i}` },
      }).catch((error: Error) => error);

    // the burst, with SIGTERM landing in the middle of it
    const burst: Promise<TestResponse | Error>[] = [];
    for (let i = 0; i < ORDERS; i++) {
      burst.push(place(first.url, i));
      if (i === ORDERS / 2) void first.stop();
      await sleep(2);
    }
    const results = await Promise.all(burst);
    expect(await first.stop()).toBe(0);

    const accepted = results.flatMap((r, i) => (r instanceof Error || r.status !== 200 ? [] : [{ i, id: r.body.id as number }]));
    const refused = results.flatMap((r, i) => (r instanceof Error || r.status !== 200 ? [i] : []));
    expect(accepted.length).toBeGreaterThan(0);
    // refused ones were turned away whole: a 503 while closing or no connection, never a 500
    for (const r of results) if (!(r instanceof Error)) expect([200, 503]).toContain(r.status);

    // every accepted order is in the database, whole
    const rows = await sql<{ id: number; items: number; events: number }[]>`
      select o.id,
             (select count(*) from order_items i where i.order_id = o.id)::int as items,
             (select count(*) from order_events e where e.order_id = o.id)::int as events
      from orders o where o.id in ${sql(accepted.length ? accepted.map((a) => a.id) : [0])}`;
    expect(rows.length).toBe(accepted.length);
    expect(rows.filter((r) => r.items !== 1 || r.events !== 1)).toEqual([]);

    // the client retries the rest with the same keys on a fresh server: each makes its order once
    const second = await spawnServer(env);
    try {
      for (const i of refused) {
        const res = await place(second.url, i);
        expect(res instanceof Error ? res.message : res.status).toBe(200);
      }
      // and a retry of an accepted one answers the same order
      if (accepted[0]) {
        const again = await place(second.url, accepted[0].i);
        expect(again instanceof Error ? again.message : again.body.id).toBe(accepted[0].id);
      }
    } finally {
      await second.stop();
    }
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from orders`;
    expect(count!.n).toBe(ORDERS);
    const [stock] = await sql<{ stock: number }[]>`select stock from products where id = ${product!.id}`;
    expect(stock!.stock).toBe(STOCK - ORDERS);
  }, 180_000);
});

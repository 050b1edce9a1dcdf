import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedis, eventually } from './fault-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

let redis: PrivateRedis;
let server: TestServer;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  server = await startTestServer({ REDIS_URL: redis.url, TRUST_PROXY: '1', RATE_LIMIT_REQUESTS_PER_IP: '30' });
  await createProduct(server.runtime.deps.db, { stock: 5 });
}, 120_000);
afterAll(async () => {
  await server.close();
  await redis.down();
});

const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

describe('Redis goes down and comes back', () => {
  it('keeps serving without the cache, reports degraded, limits per process, then recovers by itself', async () => {
    const customer = await createUserWithToken(server.runtime);
    expect((await server.request('GET', '/api/products', from('198.51.100.1'))).headers['x-cache']).toBe('miss');
    expect((await server.request('GET', '/api/products', from('198.51.100.1'))).headers['x-cache']).toBe('hit');

    await redis.down();

    // reads, sign-in and orders go on, straight from the database
    const started = Date.now();
    const products = await server.request('GET', '/api/products', from('198.51.100.2'));
    expect(products.status).toBe(200);
    expect(products.headers['x-cache']).toBeUndefined();
    expect((await server.request('GET', '/api/auth/me', { token: customer.token, ...from('198.51.100.2') })).status).toBe(200);
    // never longer than the cache's command timeout (1 s) per lookup
    expect(Date.now() - started).toBeLessThan(8_000);

    const ready = await server.request('GET', '/ready', from('198.51.100.2'));
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'degraded', checks: { database: 'ok', cache: 'degraded' } });

    // the per-address limit stays on, counted in this process's memory
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await server.request('GET', '/health', from('198.51.100.3'))).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);

    await redis.up();

    await eventually(async () => (await server.request('GET', '/ready', from('198.51.100.4'))).body.status === 'ok', 20_000, '/ready ok');
    await eventually(
      async () => {
        await server.request('GET', '/api/products?limit=3', from('198.51.100.5'));
        return (await server.request('GET', '/api/products?limit=3', from('198.51.100.5'))).headers['x-cache'] === 'hit';
      },
      20_000,
      'catalog cache hits again',
    );
  });
});

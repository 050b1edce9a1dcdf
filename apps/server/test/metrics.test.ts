import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, injectRequest, startTestServer, type TestServer } from './helpers';
import { address, createProduct, keyHeader } from './orders-helpers';

const TOKEN = 'a-long-metrics-bearer-token';

/** The value of one sample line of the exposition text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('/metrics behind a bearer token', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      METRICS_TOKEN: TOKEN,
      RATE_LIMIT_ORDERS_PER_USER: '3',
      STRIPE_SECRET_KEY: 'sk_test_metrics',
      STRIPE_WEBHOOK_SECRET: 'whsec_metrics',
      STRIPE_API_BASE: 'http://127.0.0.1:9',
    });
  });
  afterAll(() => server.close());

  const scrape = async () => {
    const res = await server.request('GET', '/metrics', { token: TOKEN });
    expect(res.status).toBe(200);
    return res.body as string;
  };

  it('refuses a scrape without the token, or with another', async () => {
    expect((await server.request('GET', '/metrics')).status).toBe(401);
    expect((await server.request('GET', '/metrics', { token: 'a-long-metrics-bearer-tokeN' })).status).toBe(401);
    expect((await server.request('GET', '/metrics', { token: 'short' })).status).toBe(401);
  });

  it('counts requests by route, method and status, cache hits and misses, orders, payments and 429s', async () => {
    const before = await scrape();
    await server.request('GET', '/api/products?limit=7');
    await server.request('GET', '/api/products?limit=7');
    await server.request('GET', '/api/products/999999');
    await server.request('GET', '/trpc/categories.list');
    await server.request('GET', '/trpc/made.up.name');

    const user = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { stock: 50 });
    const place = (key: string) =>
      server.request('POST', '/api/orders', {
        token: user.token,
        body: { items: [{ productId, quantity: 1 }], shippingAddress: address },
        headers: keyHeader(key),
      });
    expect((await place('metrics-a')).status).toBe(200);
    expect((await place('metrics-a')).status).toBe(200); // an idempotent replay creates nothing
    expect((await place('metrics-b')).status).toBe(200);
    expect((await place('metrics-c')).status).toBe(429); // the order limit (its 3rd point went to the replay)

    const webhook = await server.request('POST', '/api/webhooks/stripe', { body: { id: 'evt_x' }, headers: { 'stripe-signature': 't=1,v1=bad' } });
    expect(webhook.status).toBe(400);

    const after = await scrape();
    const delta = (name: string, labels = '') => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(after).toMatch(/http_request_duration_seconds_bucket\{le="[\d.]+",method="GET",route="\/api\/products",status="200"\}/);
    expect(after).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/api\/products\/{id}",status="404"\} 1/);
    expect(after).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/trpc\/categories.list",status="200"\} 1/);
    expect(after).toMatch(/route="\/trpc\/\(unknown\)",status="404"/);
    expect(after).not.toContain('made.up.name');
    expect(delta('catalog_cache_lookups_total', '{result="hit"}')).toBe(1);
    expect(delta('catalog_cache_lookups_total', '{result="miss"}')).toBe(2);
    expect(delta('orders_created_total')).toBe(2);
    expect(delta('rate_limit_rejections_total', '{method="POST",route="/api/orders"}')).toBe(1);
    expect(delta('payment_events_total', '{outcome="refused"}')).toBe(1);
    expect(sample(after, 'db_pool_connections', '{state="max"}')).toBe(5);
    expect(sample(after, 'db_pool_connections', '{state="active"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('/metrics without a token', () => {
  it('is not served on the main port', async () => {
    const server = await startTestServer();
    try {
      expect((await server.request('GET', '/metrics')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('is served on METRICS_PORT, a port of its own', async () => {
    const server = await startTestServer({ METRICS_PORT: '0' });
    try {
      expect((await server.request('GET', '/metrics')).status).toBe(404);
      await server.request('GET', '/health');
      const metrics = server.app.metricsServer!;
      const res = await injectRequest(metrics, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.body).toContain('http_request_duration_seconds_bucket');
    } finally {
      await server.close();
    }
  });
});

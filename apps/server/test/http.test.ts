import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '@commerce/core';
import { sql } from 'drizzle-orm';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

const METRICS_TOKEN = 'metrics-token-for-tests';

describe('HTTP behaviour (development mode)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ BODY_LIMIT_BYTES: '2048', CORS_ORIGINS: 'https://shop.example.com', METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(() => server.close());

  it('answers malformed JSON with a 400 that says so', async () => {
    const res = await server.request('POST', '/api/products', { rawBody: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/json/i) });
  });

  it('answers a body over the size limit with a 413', async () => {
    const res = await server.request('POST', '/api/products', { body: { name: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('allows only configured origins (no wildcard)', async () => {
    const allowed = await server.request('GET', '/api/products', { headers: { origin: 'https://shop.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    const denied = await server.request('GET', '/api/products', { headers: { origin: 'https://evil.example.net' } });
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await server.request('OPTIONS', '/api/products', {
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets allowed browsers use every method of the API and read its headers', async () => {
    const preflight = await server.request('OPTIONS', '/api/cart/items/1', {
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/PUT/);
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/DELETE/);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/idempotency-key/);
    const res = await server.request('GET', '/api/products', { headers: { origin: 'https://shop.example.com' } });
    expect(String(res.headers['access-control-expose-headers'])).toMatch(/retry-after/);
  });

  it('answers a malformed URL with the usual JSON error body', async () => {
    const res = await server.request('GET', '/api/products/%');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.any(String) });
  });

  it('tags every response with a request id, echoing one it was given', async () => {
    const fresh = await server.request('GET', '/health');
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const given = await server.request('GET', '/health', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
  });

  it('lets no HTTP cache keep a stale catalog page or a signed-in answer', async () => {
    const anonymous = await server.request('GET', '/api/products');
    expect(anonymous.headers['cache-control']).toBe('no-cache');
    const cached = await server.request('GET', '/api/products');
    expect(cached.headers['x-cache']).toBe('hit');
    expect(cached.headers['cache-control']).toBe('no-cache');
    const { token } = await createUserWithToken(server.runtime);
    expect((await server.request('GET', '/api/cart', { token })).headers['cache-control']).toBe('private, no-store');
    const withCookie = await server.request('GET', '/api/products', { headers: { cookie: 'commerce_session=abc' } });
    expect(withCookie.headers['cache-control']).toBe('private, no-store');
  });

  it('exposes Prometheus metrics', async () => {
    await server.request('GET', '/api/products');
    const res = await server.request('GET', '/metrics', { token: METRICS_TOKEN });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    expect(res.body).toContain('http_request_duration_seconds_bucket');
    expect(res.body).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown REST paths and unknown routes with a JSON 404', async () => {
    const api = await server.request('GET', '/api/nothing-here');
    expect(api.status).toBe(404);
    expect(api.body.message).toBeTruthy();
    const other = await server.request('DELETE', '/elsewhere');
    expect(other.status).toBe(404);
    expect(other.body.message).toContain('/elsewhere');
  });
});

describe('production mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => server.close());

  it('never sends a stack trace', async () => {
    const responses = await Promise.all([
      server.request('GET', '/api/products/abc'),
      server.request('GET', '/api/products/999999'),
      server.request('GET', '/api/products?limit=500'),
      server.request('POST', '/api/products', { rawBody: '{oops', headers: { 'content-type': 'application/json' } }),
      server.request('GET', `/trpc/products.byId?input=${encodeURIComponent('{"id":"x"}')}`),
      server.request('GET', '/trpc/products.nope'),
    ]);
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toMatch(/stack|at .*\.ts:\d+/);
    }
  });
});

describe('production mode, when something breaks', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => server.close());

  it('answers a 500 with a fixed message: no stack, no SQL, no token', async () => {
    const { token } = await createUserWithToken(server.runtime);
    // Break this test database's sessions table: resolving any token now fails inside the driver.
    await server.runtime.deps.db.execute(sql`alter table sessions rename to sessions_broken`);
    try {
      for (const path of ['/api/auth/me', `/trpc/auth.me?input=${encodeURIComponent('{}')}`]) {
        const res = await server.request('GET', path, { token });
        expect(res.status, path).toBe(500);
        const text = JSON.stringify(res.body);
        expect(text).toContain('Internal server error');
        expect(text).not.toMatch(/stack|sessions|select|at .*\.ts:\d+/i);
        expect(text).not.toContain(token);
      }
    } finally {
      await server.runtime.deps.db.execute(sql`alter table sessions_broken rename to sessions`);
    }
  });
});

describe('client addresses', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY is set, so it cannot dodge per-IP limits', async () => {
    const server = await startTestServer({ RATE_LIMIT_REGISTER_PER_IP: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await server.request('POST', '/api/auth/register', {
          body: { email: `xff-${i}@example.com`, password: 'password123' },
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('readiness', () => {
  it('reports the cache as degraded when only Redis is down', async () => {
    const server = await startTestServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const res = await server.request('GET', '/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'degraded', checks: { database: 'ok', cache: 'degraded' } });
      // Catalog reads still work without the cache.
      expect((await server.request('GET', '/api/products')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('is 503 when the database is down', async () => {
    const server = await startTestServer({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const res = await server.request('GET', '/ready');
      expect(res.status).toBe(503);
      expect(res.body.checks.database).toBe('down');
      expect((await server.request('GET', '/health')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('REST input types', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await seedCatalog(server.runtime.deps.db);
  });
  afterAll(() => server.close());

  it('coerces query and path strings, but never JSON body values', async () => {
    const { token } = await createUserWithToken(server.runtime);
    expect((await server.request('GET', '/api/products/1')).status).toBe(200);
    expect((await server.request('GET', '/api/products?limit=2&inStock=true')).status).toBe(200);
    for (const quantity of ['2', null, true, '']) {
      const res = await server.request('POST', '/api/cart/items', { token, body: { productId: 1, quantity } });
      expect(res.status, `quantity ${JSON.stringify(quantity)}`).toBe(400);
    }
    const ok = await server.request('POST', '/api/cart/items', { token, body: { productId: 1, quantity: 2 } });
    expect(ok.status).toBe(200);
    const nulled = await server.request('PUT', '/api/cart/items/1', { token, body: { quantity: null } });
    expect(nulled.status).toBe(400);
    expect((await server.request('GET', '/api/cart', { token })).body.items[0].quantity).toBe(2);
  });

  it('refuses absurdly nested JSON with a 400 before anything recurses over it', async () => {
    const deep = `{"email":"a@b.co","password":"password1","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const path of ['/api/auth/login', '/api/orders']) {
      const res = await server.request('POST', path, { rawBody: deep, headers: { 'content-type': 'application/json' } });
      expect(res.status, path).toBe(400);
      expect(res.body.message).toMatch(/nested/);
    }
    // tRPC parses its own bodies: the same limit applies there (http-hardening.test.ts).
    const trpc = await server.request('POST', '/trpc/auth.login', { rawBody: deep, headers: { 'content-type': 'application/json' } });
    expect(trpc.status).toBe(400);
    // Brackets inside strings are text, not nesting.
    const res = await server.request('POST', '/api/auth/login', {
      body: { email: 'nobody@example.com', password: `${'['.repeat(100)}password` },
    });
    expect(res.status).toBe(401);
  });

  it('answers a page far past the end with an empty list', async () => {
    for (const page of [100_001, 999_999_999]) {
      const res = await server.request('GET', `/api/products?page=${page}&limit=50`);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
      expect(res.body.total).toBeGreaterThan(0);
    }
  });

  it('lets no cache keep the answer to a write, such as a login with its token', async () => {
    const res = await server.request('POST', '/api/auth/register', {
      body: { email: 'cache-control@example.com', password: 'password123' },
    });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });

  it('answers text the database cannot store (NUL characters) with a 400, never a 500', async () => {
    const { token } = await createUserWithToken(server.runtime);
    const register = await server.request('POST', '/api/auth/register', {
      body: { email: 'nul@example.com', password: 'password123', name: 'a\u0000b' },
    });
    expect(register.status).toBe(400);
    expect(JSON.stringify(register.body.issues)).toMatch(/NUL/);
    // With a token, reads bypass the anonymous catalog cache.
    const stockBefore = (await server.request('GET', '/api/products/1', { token })).body.stock;
    const order = await server.request('POST', '/api/orders', {
      token,
      body: {
        items: [{ productId: 1, quantity: 1 }],
        shippingAddress: { name: 'x\u0000', line1: 'a', city: 'b', postalCode: '1', country: 'US' },
      },
    });
    expect(order.status).toBe(400);
    // Nothing is half-written: the stock taken before the failing insert is back.
    expect((await server.request('GET', '/api/products/1', { token })).body.stock).toBe(stockBefore);
    const trpc = await server.request('POST', '/trpc/auth.register', {
      body: { email: 'nul2@example.com', password: 'password123', name: '\u0000' },
    });
    expect(trpc.status).toBe(400);
  });
});

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogCacheKey } from '../src/catalog-cache';
import { trpcQuery } from './auth-helpers';
import { spawnServer, startTestServer, testEnv, type TestResponse, type TestServer } from './helpers';

const ORIGIN = 'https://shop.example.com';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: ORIGIN, BODY_LIMIT_BYTES: '2048' });
});
afterAll(() => server.close());

function expectSecurityHeaders(res: TestResponse) {
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['x-frame-options']).toBe('DENY');
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toMatch(/script-src[^;]*unsafe/);
}

describe('security headers', () => {
  it.each([
    ['GET', '/api/products'],
    ['GET', '/api/products'], // the second is a catalog cache hit, answered before the adapters
    ['GET', '/api/orders/me'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/nowhere'],
    ['GET', '/trpc/products.list'],
    ['GET', '/openapi.json'],
    ['GET', '/docs'],
    ['GET', '/health'],
  ])('are on %s %s', async (method, path) => {
    const res = await server.request(method, path, method === 'POST' ? { body: { email: 'x' } } : {});
    expectSecurityHeaders(res);
    // HSTS only in production: on http://localhost it would pin browsers to https
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('include HSTS in production', async () => {
    const production = await startTestServer({ NODE_ENV: 'production', ADMIN_PASSWORD: 'a-real-secret-password', PAYMENTS_OFFLINE: 'true' });
    try {
      const res = await production.request('GET', '/api/products');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      expectSecurityHeaders(res);
    } finally {
      await production.close();
    }
  });

  // A real browser (Debian's Chromium, which CI installs) loads /docs under the policy: blocked
  // scripts would leave no operations on the page.
  it('leave /docs working in a browser', async () => {
    expect(existsSync('/usr/bin/chromium'), 'install Chromium: apt-get install -y chromium').toBe(true);
    const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
    const { stdout, stderr } = await promisify(execFile)(
      '/usr/bin/chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--virtual-time-budget=15000',
        '--enable-logging=stderr',
        '--dump-dom',
        `${address}/docs/static/index.html`,
      ],
      { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
    );
    expect(stdout).toContain('opblock-tag');
    expect(stdout).toContain('data-path="/products"');
    expect(stderr).not.toMatch(/Content Security Policy/i);
  });
});

describe('CORS answers', () => {
  it.each([
    ['GET', '/trpc/products.list'],
    ['GET', trpcQuery('products.byId', { id: 1 })],
    ['POST', '/trpc/auth.login'],
    ['GET', '/api/products'],
    ['GET', '/api/products/1'],
  ])('keep Vary: Origin on %s %s, with the allowed origin echoed', async (method, path) => {
    const res = await server.request(method, path, { headers: { origin: ORIGIN }, ...(method === 'POST' ? { body: {} } : {}) });
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(res.headers.vary).split(/,\s*/).map((v) => v.toLowerCase())).toContain('origin');
  });

  it('keep Vary: Origin when the origin is refused', async () => {
    const res = await server.request('GET', '/trpc/products.list', { headers: { origin: 'https://evil.example.net' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(res.headers.vary).toLowerCase()).toContain('origin');
  });
});

describe('X-Request-Id', () => {
  it.each(['abc-123', 'trace.2026:07_x', 'A'.repeat(64)])('keeps a safe client id %s', async (id) => {
    const res = await server.request('GET', '/health', { headers: { 'x-request-id': id } });
    expect(res.headers['x-request-id']).toBe(id);
  });

  it.each(['A'.repeat(65), 'has space', 'semi;colon', '<script>', 'line\\nbreak', 'ü', ''])(
    'replaces an unsafe or long one (%s)',
    async (id) => {
      const res = await server.request('GET', '/health', { headers: { 'x-request-id': id } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});

describe('JSON depth on /trpc', () => {
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('refuses a deep body on a single call with a tRPC 400', async () => {
    const res = await server.request('POST', '/trpc/auth.login', { rawBody: `{"email":${deep(40)}}` });
    expect(res.status).toBe(400);
    expect(res.body.error.data.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(/nested deeper than 32/);
  });

  it('refuses a deep body in a batch, answering each call', async () => {
    const res = await server.request('POST', '/trpc/auth.login,auth.register?batch=1', {
      rawBody: JSON.stringify({ 0: { email: 'a' }, 1: {} }).replace('"a"', deep(40)),
    });
    expect(res.status).toBe(400);
    expect(res.body).toHaveLength(2);
    for (const entry of res.body) expect(entry.error.message).toMatch(/nested deeper than 32/);
  });

  it('refuses deep query input, single and batched', async () => {
    const single = await server.request('GET', `/trpc/products.list?input=${encodeURIComponent(deep(5000))}`);
    expect(single.status).toBe(400);
    expect(single.body.error.message).toMatch(/nested deeper than 32/);
    const batch = await server.request('GET', `/trpc/products.list?batch=1&input=${encodeURIComponent(`{"0":${deep(40)}}`)}`);
    expect(batch.status).toBe(400);
    expect(batch.body[0].error.data.code).toBe('BAD_REQUEST');
  });

  it('still accepts ordinary input', async () => {
    expect((await server.request('GET', trpcQuery('products.list', { limit: 5 }))).status).toBe(200);
    const batch = await server.request('GET', `/trpc/products.list?batch=1&input=${encodeURIComponent('{"0":{"limit":5}}')}`);
    expect(batch.status).toBe(200);
  });
});

describe('catalog cache keys', () => {
  const key = (url: string) => catalogCacheKey({ method: 'GET', url, headers: {}, cookies: {} });

  it('ignore parameters the catalog does not read', () => {
    expect(key('/api/products?junk=1')).toBe(key('/api/products'));
    expect(key('/api/products?limit=5&x=1&y=2')).toBe(key('/api/products?limit=5'));
    expect(key('/api/products/3?anything=else')).toBe(key('/api/products/3'));
    expect(key('/api/categories?a=b')).toBe(key('/api/categories'));
  });

  it('put known parameters in one order, and keep their values apart', () => {
    expect(key('/api/products?sort=price_asc&limit=5')).toBe(key('/api/products?limit=5&sort=price_asc'));
    expect(key('/api/products?q=a+b')).toBe(key('/api/products?q=a%20b'));
    expect(key('/api/products?limit=5')).not.toBe(key('/api/products?limit=6'));
    expect(key('/api/products?q=a&limit=5')).not.toBe(key('/api/products?q=a%26limit%3D5'));
  });

  it('let junk parameters share the entry of the request without them', async () => {
    const first = await server.request('GET', '/api/products?limit=3&junk=1');
    expect(first.headers['x-cache']).toBe('miss');
    for (let i = 2; i < 6; i++) {
      const res = await server.request('GET', `/api/products?junk=${i}&limit=3`);
      expect(res.headers['x-cache']).toBe('hit');
      expect(res.body).toEqual(first.body);
    }
  });
});

describe('a body over the limit', () => {
  // A separate process: an in-process client reads the socket in step with the server.
  it('answers 413 that a fetch() client uploading the whole body can read', async () => {
    const { env, database } = await testEnv({ BODY_LIMIT_BYTES: '2048' });
    const child = await spawnServer(env);
    try {
      for (const path of ['/api/auth/login', '/trpc/auth.login']) {
        for (const size of [100_000, 5_000_000]) {
          const res = await fetch(`${child.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: 'x'.repeat(size),
          });
          expect(res.status, `${path} ${size}`).toBe(413);
          expect(await res.text()).toMatch(/Request body too large/);
        }
      }
      // a streamed upload without Content-Length, too
      let sent = 0;
      const chunk = new Uint8Array(64 * 1024);
      const body = new ReadableStream({
        pull(controller) {
          if (sent >= 3_000_000) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const streamed = await fetch(`${child.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(streamed.status).toBe(413);
      // and the server goes on serving
      expect((await fetch(`${child.url}/health`)).status).toBe(200);
    } finally {
      await child.stop();
      await database.drop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime } from '../src/deps';
import { PASSWORD, trpcQuery, uniqueEmail } from './auth-helpers';
import { createUserWithToken, expectTooMany, injectRequest, startTestServer, testEnv, type Env, type TestServer } from './helpers';
import { address, createProduct } from './orders-helpers';

let ipCounter = 0;
const newIp = () => `203.0.113.${++ipCounter}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('failed logins cannot lock users out from a shared address', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_LOGIN_PER_EMAIL_IP: '3', RATE_LIMIT_LOGIN_PER_IP: '8' });
  });
  afterAll(() => server.close());

  const login = (ip: string, email: string, password: string) =>
    server.request('POST', '/api/auth/login', { body: { email, password }, headers: from(ip) });

  async function registered(): Promise<string> {
    const email = uniqueEmail();
    const res = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD }, headers: from(newIp()) });
    expect(res.status).toBe(200);
    return email;
  }

  it('lets a user who signed in from the address before sign in after others spent its failures', async () => {
    const office = newIp();
    const colleague = await registered();
    expect((await login(office, colleague, PASSWORD)).status).toBe(200);
    // someone behind the same proxy sprays wrong passwords over many emails until the address is blocked
    for (let i = 0; i < 8; i++) expect((await login(office, uniqueEmail('spray'), 'wrong password')).status).toBe(401);
    expectTooMany(await login(office, uniqueEmail('spray'), 'wrong password'), 15 * 60);
    // the colleague is not locked out, and can still sign in again and again
    for (let i = 0; i < 3; i++) expect((await login(office, colleague, PASSWORD)).status).toBe(200);
    // the sprayer cannot use the exemption: other accounts from this address stay blocked
    expectTooMany(await login(office, await registered(), PASSWORD), 15 * 60);
  });

  it('still holds a known pair to its own failures (guessing at that account)', async () => {
    const ip = newIp();
    const email = await registered();
    expect((await login(ip, email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(ip, email, 'wrong password')).status).toBe(401);
    expectTooMany(await login(ip, email, PASSWORD), 15 * 60);
  });

  it('counts only failures: a success gives its point back and clears the email counter', async () => {
    const ip = newIp();
    const email = await registered();
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 2; i++) expect((await login(ip, email, 'wrong password')).status).toBe(401);
      expect((await login(ip, email, PASSWORD)).status).toBe(200);
    }
  });
});

/** A server whose app answers its idea of the client address at GET /test/ip. */
async function ipServer(extra: Env) {
  const { env, database } = await testEnv(extra);
  const config = loadConfig(env);
  const runtime = await createRuntime(config);
  const app = await buildServer({ config, runtime });
  app.get('/test/ip', async (req) => ({ ip: req.ip }));
  await app.ready();
  const ipOf = async (remoteAddress: string, forwardedFor?: string) => {
    const res = await app.inject({
      method: 'GET',
      url: '/test/ip',
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return (res.json() as { ip: string }).ip;
  };
  return {
    app,
    ipOf,
    close: async () => {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

describe('TRUST_PROXY', () => {
  it('refuses `true` (every hop) and addresses that are not addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY[\s\S]*client-supplied/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.internal' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,::1,loopback' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.0.2.7',
      '::1',
      'loopback',
    ]);
  });

  it('as a hop count, takes the address the trusted proxy saw, never a client-supplied leftmost entry', async () => {
    const server = await ipServer({ TRUST_PROXY: '1' });
    try {
      // the client sent "X-Forwarded-For: 6.6.6.6"; the balancer appended the address it saw
      expect(await server.ipOf('10.0.0.2', '6.6.6.6, 198.51.100.20')).toBe('198.51.100.20');
      expect(await server.ipOf('10.0.0.2', '198.51.100.20')).toBe('198.51.100.20');
      const two = await ipServer({ TRUST_PROXY: '2' });
      try {
        expect(await two.ipOf('10.0.0.2', '6.6.6.6, 198.51.100.20, 10.0.0.9')).toBe('198.51.100.20');
      } finally {
        await two.close();
      }
    } finally {
      await server.close();
    }
  });

  it('as a list of proxies, believes only hops they added, and nothing from anyone else', async () => {
    const server = await ipServer({ TRUST_PROXY: '10.0.0.0/8,192.0.2.7' });
    try {
      expect(await server.ipOf('192.0.2.7', '6.6.6.6, 198.51.100.20, 10.1.2.3')).toBe('198.51.100.20');
      expect(await server.ipOf('10.0.0.2', '6.6.6.6, 198.51.100.20')).toBe('198.51.100.20');
      // a client connecting directly cannot name its address
      expect(await server.ipOf('198.51.100.99', '1.2.3.4')).toBe('198.51.100.99');
    } finally {
      await server.close();
    }
  });

  it('off, ignores X-Forwarded-For', async () => {
    const server = await ipServer({});
    try {
      expect(await server.ipOf('198.51.100.5', '1.2.3.4')).toBe('198.51.100.5');
    } finally {
      await server.close();
    }
  });

  it('keeps a client that rotates the leftmost entry on one per-address counter', async () => {
    const server = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_REQUESTS_PER_IP: '5' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await server.request('GET', '/health', { headers: from(`6.6.6.${i}, 198.51.100.77`) });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('requests per address, on every route', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_REQUESTS_PER_IP: '4', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(() => server.close());

  it.each([
    ['GET', '/api/products'], // served from the catalog cache after the first
    ['GET', '/api/nowhere'],
    ['POST', '/api/auth/login'],
    ['GET', '/openapi.json'],
    ['GET', '/health'],
  ])('answer %s %s 429 with Retry-After past the limit, and other addresses go on', async (method, path) => {
    const ip = newIp();
    const call = (at: string) => server.request(method, path, { headers: from(at), ...(method === 'POST' ? { body: {} } : {}) });
    for (let i = 0; i < 4; i++) expect((await call(ip)).status).not.toBe(429);
    const blocked = await call(ip);
    expectTooMany(blocked, 60);
    expect(blocked.body).toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/too many requests/i) });
    expect((await call(newIp())).status).not.toBe(429);
  });

  it('answer tRPC clients in tRPC’s error shape, one entry per batched call', async () => {
    const ip = newIp();
    for (let i = 0; i < 4; i++) await server.request('GET', '/health', { headers: from(ip) });
    const single = await server.request('GET', trpcQuery('products.list', {}), { headers: from(ip) });
    expectTooMany(single, 60);
    expect(single.body.error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
    const batch = await server.request('GET', `/trpc/products.list,categories.list?batch=1&input=${encodeURIComponent('{}')}`, {
      headers: from(ip),
    });
    expectTooMany(batch, 60);
    expect(batch.body).toHaveLength(2);
    expect(batch.body[1].error.data.code).toBe('TOO_MANY_REQUESTS');
  });

  it('are shared by every process on the same Redis', async () => {
    const config = loadConfig(server.env);
    const runtime = await createRuntime(config);
    const other = await buildServer({ config, runtime });
    try {
      const ip = newIp();
      expect((await server.request('GET', '/health', { headers: from(ip) })).status).toBe(200);
      expect((await server.request('GET', '/health', { headers: from(ip) })).status).toBe(200);
      expect((await injectRequest(other, 'GET', '/health', { headers: from(ip) })).status).toBe(200);
      expect((await injectRequest(other, 'GET', '/health', { headers: from(ip) })).status).toBe(200);
      expect((await server.request('GET', '/health', { headers: from(ip) })).status).toBe(429);
      expect((await injectRequest(other, 'GET', '/health', { headers: from(ip) })).status).toBe(429);
    } finally {
      await other.close();
      await runtime.close();
    }
  });

  it('are counted in memory without Redis', async () => {
    const local = await startTestServer({ TRUST_PROXY: '1', RATE_LIMIT_REQUESTS_PER_IP: '2', REDIS_URL: '' });
    try {
      const ip = newIp();
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await local.request('GET', '/health', { headers: from(ip) })).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await local.close();
    }
  });

  it('are documented: every operation in /openapi.json lists 429', async () => {
    const doc = (await server.request('GET', '/openapi.json', { headers: from(newIp()) })).body;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(
      ([path, methods]) => Object.entries(methods).map(([method, op]) => [`${method} ${path}`, op] as const),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const [name, op] of operations) expect(Object.keys(op.responses), name).toContain('429');
  });
});

describe('requests per signed-in user, and orders', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      TRUST_PROXY: '1',
      RATE_LIMIT_REQUESTS_PER_USER: '6',
      RATE_LIMIT_ORDERS_PER_USER: '2',
    });
  });
  afterAll(() => server.close());

  it('limit a user whatever address they call from, over REST and tRPC alike', async () => {
    const user = await createUserWithToken(server.runtime);
    const someoneElse = await createUserWithToken(server.runtime);
    for (let i = 0; i < 3; i++) {
      expect((await server.request('GET', '/api/auth/me', { token: user.token, headers: from(newIp()) })).status).toBe(200);
      expect((await server.request('GET', trpcQuery('auth.me'), { token: user.token, headers: from(newIp()) })).status).toBe(200);
    }
    const rest = await server.request('GET', '/api/cart', { token: user.token, headers: from(newIp()) });
    expectTooMany(rest, 60);
    const trpc = await server.request('GET', trpcQuery('auth.me'), { token: user.token, headers: from(newIp()) });
    expectTooMany(trpc, 60);
    expect(trpc.body.error.data.code).toBe('TOO_MANY_REQUESTS');
    expect((await server.request('GET', '/api/auth/me', { token: someoneElse.token })).status).toBe(200);
  });

  it('give order creation and checkout one tighter limit of their own', async () => {
    const user = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { stock: 100 });
    const place = () =>
      server.request('POST', '/api/orders', { token: user.token, body: { items: [{ productId, quantity: 1 }], shippingAddress: address } });
    expect((await place()).status).toBe(200);
    expect((await place()).status).toBe(200);
    const third = await place();
    expectTooMany(third, 60);
    expect(third.body.message).toMatch(/too many orders/i);
    // checkout counts against the same limit, while other calls by the user still go through
    expect((await server.request('POST', '/api/cart/items', { token: user.token, body: { productId, quantity: 1 } })).status).toBe(200);
    expectTooMany(await server.request('POST', '/api/cart/checkout', { token: user.token, body: { shippingAddress: address } }), 60);
  });
});

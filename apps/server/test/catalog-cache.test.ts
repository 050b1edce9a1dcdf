import { CATALOG_VERSION_KEY, createRedisClient } from '@commerce/core';
import { products } from '@commerce/db';
import { testRedisUrl } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogCacheKey } from '../src/catalog-cache';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { makeCategory, makeProduct, startCatalogServer, type CatalogFixture } from './catalog-helpers';
import { createUserWithToken, httpRequest, spawnServer, testEnv, type ServerProcess } from './helpers';

let f: CatalogFixture;

beforeAll(async () => {
  f = await startCatalogServer();
});
afterAll(() => f.server.close());

/** The raw response, bytes untouched. */
const raw = (url: string, headers: Record<string, string> = {}) => f.server.app.inject({ method: 'GET', url, headers });

// Headers that differ between any two responses, cached or not.
const volatile = new Set(['date', 'x-request-id', 'x-cache', 'connection', 'keep-alive']);
const stable = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !volatile.has(name)));

describe('anonymous catalog reads', () => {
  it('are served from the cache with the same bytes and headers', async () => {
    const product = await makeProduct(f, { name: 'Cached Lampe — café ☕' });
    for (const url of ['/api/products?limit=5', `/api/products/${product.id}`, '/api/categories']) {
      const miss = await raw(url, { origin: 'http://localhost:3001' });
      const hit = await raw(url, { origin: 'http://localhost:3001' });
      expect(miss.statusCode).toBe(200);
      expect([miss.headers['x-cache'], hit.headers['x-cache']]).toEqual(['miss', 'hit']);
      expect(hit.body).toBe(miss.body);
      expect(stable(hit.headers)).toEqual(stable(miss.headers));
      expect(hit.headers['content-type']).toMatch(/^application\/json/);
      expect(hit.headers['access-control-allow-origin']).toBe('http://localhost:3001');
    }
  });

  it('share an entry whatever the order of query parameters', async () => {
    await raw('/api/products?sort=name&limit=3');
    expect((await raw('/api/products?limit=3&sort=name')).headers['x-cache']).toBe('hit');
  });

  it('never cache errors', async () => {
    for (const url of ['/api/products/987654', '/api/products?limit=99']) {
      expect((await raw(url)).headers['x-cache']).toBe('miss');
      expect((await raw(url)).headers['x-cache']).toBe('miss');
    }
  });

  it('leave signed-in requests to the normal path', async () => {
    const product = await makeProduct(f);
    const url = `/api/products/${product.id}`;
    await raw(url);
    const signedIn: Record<string, string>[] = [{ authorization: `Bearer ${f.customer}` }, { cookie: `commerce_session=${f.customer}` }];
    for (const headers of signedIn) {
      const res = await raw(url, headers);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-cache']).toBeUndefined();
    }
    // A staff view must never be stored for the public, however its cookie is spelled.
    const hidden = await makeProduct(f);
    await f.server.request('DELETE', `/api/products/${hidden.id}`, { token: f.staff });
    for (const cookie of [`commerce_session =${f.staff}`, ` commerce_session=${f.staff}`, `a=1;commerce_session=${f.staff}`]) {
      expect((await raw(`/api/products/${hidden.id}`, { cookie })).statusCode).toBe(200);
      expect((await raw(`/api/products/${hidden.id}`)).statusCode).toBe(404);
    }
    expect(catalogCacheKey({ method: 'GET', url: '/api/orders', headers: {}, cookies: {} })).toBeNull();
    expect(catalogCacheKey({ method: 'POST', url: '/api/products', headers: {}, cookies: {} })).toBeNull();
  });

  it('see a staff change at once, every time', async () => {
    const product = await makeProduct(f, { name: 'Repriced Chair', priceCents: 100 });
    const list = '/api/products?q=repriced';
    for (let round = 1; round <= 5; round++) {
      await raw(`/api/products/${product.id}`);
      await raw(list);
      expect((await raw(`/api/products/${product.id}`)).headers['x-cache']).toBe('hit');
      await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { priceCents: 100 + round } });
      const one = await raw(`/api/products/${product.id}`);
      expect(JSON.parse(one.body).priceCents).toBe(100 + round);
      expect(JSON.parse((await raw(list)).body).items[0].priceCents).toBe(100 + round);
    }
    await f.server.request('DELETE', `/api/products/${product.id}`, { token: f.staff });
    expect((await raw(`/api/products/${product.id}`)).statusCode).toBe(404);
    expect(JSON.parse((await raw(list)).body).items).toEqual([]);
  });

  it('never keep a page read while a write was committing', async () => {
    const product = await makeProduct(f, { name: 'Contended Stool', priceCents: 1 });
    const url = `/api/products/${product.id}`;
    for (let round = 2; round <= 6; round++) {
      await Promise.all([
        f.server.request('PUT', url, { token: f.staff, body: { priceCents: round } }),
        ...Array.from({ length: 10 }, () => raw(url)),
      ]);
      expect(JSON.parse((await raw(url)).body).priceCents).toBe(round);
    }
  });

  it('see category changes at once', async () => {
    await raw('/api/categories');
    const category = await makeCategory(f, { name: 'Fresh Category' });
    const after = JSON.parse((await raw('/api/categories')).body);
    expect(after.items.map((c: { id: number }) => c.id)).toContain(category.id);
  });

  it('survive the loss of the version key', async () => {
    const product = await makeProduct(f, { name: 'Versionless' });
    await raw(`/api/products/${product.id}`);
    await f.server.runtime.deps.cache.del([CATALOG_VERSION_KEY]);
    expect((await raw(`/api/products/${product.id}`)).headers['x-cache']).toBe('miss');
    expect((await raw(`/api/products/${product.id}`)).headers['x-cache']).toBe('hit');
    await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { stock: 77 } });
    expect(JSON.parse((await raw(`/api/products/${product.id}`)).body).stock).toBe(77);
  });

  it('leave the OpenAPI document alone', async () => {
    const doc = (await f.server.request('GET', '/openapi.json')).body;
    for (const path of ['/products', '/products/{id}', '/categories', '/categories/{id}', '/products/{id}/stock', '/products/{id}/stock-adjustments', '/inventory/low-stock']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths['/products'].post.security).toBeDefined();
  });
});

describe('cache lifetime', () => {
  it('expires entries after CATALOG_CACHE_SECONDS, bounding changes no bump announced', async () => {
    const short = await startCatalogServer({ CATALOG_CACHE_SECONDS: '30' });
    const redis = createRedisClient({ url: testRedisUrl });
    try {
      const product = await makeProduct(short, { stock: 5 });
      const url = `/api/products/${product.id}`;
      // The entry's key as the server stores it: its Redis prefix, then the page key.
      const key = `${short.server.env.REDIS_KEY_PREFIX}${catalogCacheKey({ method: 'GET', url, headers: {}, cookies: {} })}`;
      expect(key).toBe(`${short.server.env.REDIS_KEY_PREFIX}catalog:page:${url}`);
      expect(await redis.exists(key)).toBe(0);
      expect((await short.server.request('GET', url)).headers['x-cache']).toBe('miss');
      // stored with the configured lifetime
      const ttl = await redis.pttl(key);
      expect(ttl).toBeGreaterThan(25_000);
      expect(ttl).toBeLessThanOrEqual(30_000);
      // What an order taking stock without crossing zero does: no version bump.
      await short.server.runtime.deps.db.update(products).set({ stock: 4 });
      const cached = await short.server.request('GET', url);
      expect([cached.headers['x-cache'], cached.body.stock]).toEqual(['hit', 5]);
      // Time passing, without waiting 30 s: only the lifetime left is shortened, nothing bumped or deleted.
      expect(await redis.pexpire(key, 20)).toBe(1);
      for (let i = 0; (await redis.exists(key)) === 1; i++) {
        expect(i, 'the entry outlived its TTL').toBeLessThan(200);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const fresh = await short.server.request('GET', url);
      expect([fresh.headers['x-cache'], fresh.body.stock]).toEqual(['miss', 4]);
      // stored again, with a full lifetime
      expect(await redis.pttl(key)).toBeGreaterThan(25_000);
      expect((await short.server.request('GET', url)).headers['x-cache']).toBe('hit');
    } finally {
      redis.disconnect();
      await short.server.close();
    }
  });

  it('is off with CATALOG_CACHE_SECONDS=0', async () => {
    const off = await startCatalogServer({ CATALOG_CACHE_SECONDS: '0' });
    try {
      const res = await off.server.request('GET', '/api/products');
      expect(res.status).toBe(200);
      expect(res.headers['x-cache']).toBeUndefined();
    } finally {
      await off.server.close();
    }
    expect(() => loadConfig({ CATALOG_CACHE_SECONDS: '-1' })).toThrow(/CATALOG_CACHE_SECONDS/);
  });
});

describe('with the cache down', () => {
  it('serves and writes through the database, never a 500', async () => {
    const down = await startCatalogServer({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      expect((await down.server.request('GET', '/api/products')).status).toBe(200);
      const product = await makeProduct(down, { name: 'Offline Made' });
      const one = await down.server.request('GET', `/api/products/${product.id}`);
      expect(one.status).toBe(200);
      expect(one.body.name).toBe('Offline Made');
      expect((await down.server.request('GET', '/api/products?q=offline')).body.total).toBe(1);
    } finally {
      await down.server.close();
    }
  });
});

describe('two server processes sharing Postgres and Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let runtime: Runtime;
  let staff: string;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const { env, database } = await testEnv();
    dropDatabase = () => database.drop();
    runtime = await createRuntime(loadConfig(env));
    await runtime.db.migrate();
    staff = (await createUserWithToken(runtime, 'staff')).token;
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await runtime?.close();
    await dropDatabase?.();
  });

  it('never serve a stale read after a write through the other process', async () => {
    const created = await httpRequest(a.url, 'POST', '/api/products', {
      token: staff,
      body: { name: 'Shared Desk', priceCents: 1000, stock: 3 },
    });
    expect(created.status).toBe(200);
    const id = created.body.id;
    for (let round = 1; round <= 6; round++) {
      const [writer, reader] = round % 2 ? [a, b] : [b, a];
      // Both processes hold the current page in the shared cache.
      for (const server of [a, b]) {
        await httpRequest(server.url, 'GET', `/api/products/${id}`);
        await httpRequest(server.url, 'GET', '/api/products?q=desk');
      }
      expect((await httpRequest(reader.url, 'GET', `/api/products/${id}`)).headers['x-cache']).toBe('hit');
      const price = 1000 + round;
      const updated = await httpRequest(writer.url, 'PUT', `/api/products/${id}`, { token: staff, body: { priceCents: price } });
      expect(updated.status).toBe(200);
      const one = await httpRequest(reader.url, 'GET', `/api/products/${id}`);
      expect(one.body.priceCents).toBe(price);
      const list = await httpRequest(reader.url, 'GET', '/api/products?q=desk');
      expect(list.body.items[0].priceCents).toBe(price);
    }
    await httpRequest(a.url, 'DELETE', `/api/products/${id}`, { token: staff });
    expect((await httpRequest(b.url, 'GET', `/api/products/${id}`)).status).toBe(404);
  });
});

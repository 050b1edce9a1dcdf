import { seedCatalog } from '@commerce/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  await seedCatalog(server.runtime.deps.db);
});
afterAll(() => server.close());

describe('GET /api/products (Postgres)', () => {
  it('returns the first page with totals', async () => {
    const res = await server.request('GET', '/api/products');
    expect(res.status).toBe(200);
    expect(res.body.page).toBe(1);
    expect(res.body.limit).toBe(10);
    expect(res.body.items).toHaveLength(10);
    expect(res.body.total).toBeGreaterThanOrEqual(50);
    expect(res.body.totalPages).toBe(Math.ceil(res.body.total / 10));
    const product = res.body.items[0];
    expect(Object.keys(product).sort()).toEqual(
      ['categoryId', 'createdAt', 'currency', 'description', 'id', 'images', 'isActive', 'name', 'options', 'priceCents', 'rating', 'sku', 'slug', 'stock', 'updatedAt', 'variants'].sort(),
    );
    expect(product.currency).toBe('USD');
    expect(Number.isInteger(product.priceCents)).toBe(true);
  });

  it('answers an empty page past the end', async () => {
    const res = await server.request('GET', '/api/products?page=1000');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it.each(['limit=51', 'limit=0', 'page=0', 'page=-1', 'limit=abc', 'sort=cheapest'])('refuses %s with 400', async (query) => {
    const res = await server.request('GET', `/api/products?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });
});

describe('GET /api/products/{id}', () => {
  it('returns one product', async () => {
    const res = await server.request('GET', '/api/products/1');
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(1);
  });

  it('is 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await server.request('GET', '/api/products/abc')).status).toBe(400);
    for (const id of ['-3', '0x10', '1e3', '1.0', '%20', '0']) {
      expect((await server.request('GET', `/api/products/${id}`)).status, id).toBe(400);
    }
    const missing = await server.request('GET', '/api/products/999999');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/not found/i);
  });
});

describe('tRPC', () => {
  it('serves products.list and products.byId', async () => {
    const list = await server.request('GET', `/trpc/products.list?input=${encodeURIComponent(JSON.stringify({ limit: 2 }))}`);
    expect(list.status).toBe(200);
    expect(list.body.result.data.items).toHaveLength(2);
    const one = await server.request('GET', `/trpc/products.byId?input=${encodeURIComponent(JSON.stringify({ id: 2 }))}`);
    expect(one.body.result.data.id).toBe(2);
  });
});

describe('service endpoints', () => {
  it('answers /health, /ready, /openapi.json, /docs and a JSON 404', async () => {
    expect((await server.request('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await server.request('GET', '/ready')).body).toEqual({ status: 'ok', checks: { database: 'ok', cache: 'ok' } });
    const doc = await server.request('GET', '/openapi.json');
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(doc.body.paths['/products/{id}'].get).toBeDefined();
    expect(doc.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const docs = await server.request('GET', '/docs/');
    expect(docs.status).toBe(200);
    expect(String(docs.body)).toContain('swagger');
    // Served from local files (no CDN), showing the same document as /openapi.json.
    const assets = String(docs.body).match(/(?:src|href)="[^"]+"/g) ?? [];
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asset).toMatch(/="\.\/static\//);
    expect((await server.request('GET', '/docs/json')).body).toEqual(doc.body);
    const unknown = await server.request('GET', '/no/such/route');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBeTruthy();
  });
});

describe('OpenAPI security', () => {
  it('marks exactly the routes that need a token', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    const publicRoutes: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.security?.length) publicRoutes.push(`${method.toUpperCase()} ${path}`);
      }
    }
    // The payment webhooks take no token: the provider's signature over the body authenticates them.
    expect(publicRoutes.sort()).toEqual(
      [
        'GET /categories',
        'GET /events/stock',
        'GET /products',
        'GET /products/{id}',
        'GET /products/{id}/reviews',
        'GET /shipping-methods',
        'POST /auth/login',
        'POST /auth/password-reset',
        'POST /auth/password-reset/confirm',
        'POST /auth/register',
        'POST /webhooks/paypal',
        'POST /webhooks/stripe',
      ].sort(),
    );
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedCatalog } from '@commerce/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { injectRequest } from './helpers';

// The zero-setup defaults: no DATABASE_URL (PGlite) and no REDIS_URL (in-process cache).
const dir = mkdtempSync(join(tmpdir(), 'commerce-pglite-server-'));
let app: FastifyInstance;
let runtime: Runtime;

beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PGLITE_DIR: dir });
  runtime = await createRuntime(config);
  await runtime.db.migrate();
  await seedCatalog(runtime.deps.db);
  app = await buildServer({ config, runtime });
  await app.ready();
}, 180_000);

afterAll(async () => {
  await app?.close();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('embedded defaults', () => {
  it('runs on PGlite with the in-process cache', async () => {
    expect(runtime.db.kind).toBe('pglite');
    expect(runtime.deps.cache.kind).toBe('memory');
    const ready = await injectRequest(app, 'GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: 'ok', cache: 'ok' });
  });

  it('serves the product list and a product over REST', async () => {
    const list = await injectRequest(app, 'GET', '/api/products?limit=5&sort=price_asc');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(5);
    expect(list.body.total).toBeGreaterThanOrEqual(50);
    const prices = list.body.items.map((p: { priceCents: number }) => p.priceCents);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const first = list.body.items[0];
    const one = await injectRequest(app, 'GET', `/api/products/${first.id}`);
    expect(one.body).toEqual(first);
    expect((await injectRequest(app, 'GET', '/api/products/424242')).status).toBe(404);
  });

  it('searches the tsvector column', async () => {
    const res = await injectRequest(app, 'GET', `/api/products?q=${encodeURIComponent('wireless headphones')}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toContain('Wireless Noise-Cancelling Headphones');
  });

  it('serves the same procedures over tRPC', async () => {
    const res = await injectRequest(app, 'GET', `/trpc/products.list?input=${encodeURIComponent(JSON.stringify({ limit: 3 }))}`);
    expect(res.body.result.data.items).toHaveLength(3);
  });
});

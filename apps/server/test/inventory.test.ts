import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct, startCatalogServer, type CatalogFixture } from './catalog-helpers';
import { updateProduct } from './orders-helpers';

let f: CatalogFixture;

beforeAll(async () => {
  f = await startCatalogServer({ LOW_STOCK_THRESHOLD: '5' });
});
afterAll(() => f.server.close());

const setStock = (id: number | string, body: unknown, token = f.staff) =>
  f.server.request('PUT', `/api/products/${id}/stock`, { token, body });
const adjust = (id: number | string, body: unknown, token = f.staff) =>
  f.server.request('POST', `/api/products/${id}/stock-adjustments`, { token, body });

describe('PUT /api/products/{id}/stock', () => {
  it('sets stock, and anonymous readers see it at once', async () => {
    const product = await makeProduct(f, { stock: 3 });
    expect((await f.server.request('GET', `/api/products/${product.id}`)).body.stock).toBe(3);
    const res = await setStock(product.id, { stock: 42 });
    expect(res.status).toBe(200);
    expect(res.body.stock).toBe(42);
    expect((await f.server.request('GET', `/api/products/${product.id}`)).body.stock).toBe(42);
  });

  it('answers 400, 401, 403 and 404', async () => {
    const product = await makeProduct(f);
    for (const body of [{}, { stock: -1 }, { stock: 1.5 }, { stock: '3' }, { stock: 1_000_001 }]) {
      expect((await setStock(product.id, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await setStock('abc', { stock: 1 })).status).toBe(400);
    expect((await f.server.request('PUT', `/api/products/${product.id}/stock`, { body: { stock: 1 } })).status).toBe(401);
    expect((await setStock(product.id, { stock: 1 }, f.customer)).status).toBe(403);
    expect((await setStock(987654, { stock: 1 })).status).toBe(404);
  });
});

describe('POST /api/products/{id}/stock-adjustments', () => {
  it('adds and takes away, and refuses to go below 0 with 409 and no change', async () => {
    const product = await makeProduct(f, { stock: 5 });
    expect((await adjust(product.id, { delta: 3 })).body.stock).toBe(8);
    expect((await adjust(product.id, { delta: -8 })).body.stock).toBe(0);
    const short = await adjust(product.id, { delta: -1 });
    expect(short.status).toBe(409);
    expect(short.body.reason).toBe('insufficient_stock');
    expect(short.body.message).toMatch(/stock/i);
    expect((await f.server.request('GET', `/api/products/${product.id}`, { token: f.staff })).body.stock).toBe(0);
  });

  it('takes away from stock above the maximum (units returned at the cap); only additions are capped', async () => {
    const product = await makeProduct(f, { stock: 5 });
    expect((await setStock(product.id, { stock: 1_000_000 })).status).toBe(200);
    // What a cancelled order does to a product at the cap: its units come back regardless.
    await updateProduct(f.server.runtime.deps.db, product.id, { stock: 1_000_003 });
    const take = await adjust(product.id, { delta: -1 });
    expect(take.status, JSON.stringify(take.body)).toBe(200);
    expect(take.body.stock).toBe(1_000_002);
    const add = await adjust(product.id, { delta: 1 });
    expect(add.status).toBe(409);
    expect(add.body.reason).toBe('stock_limit');
    expect(add.body.message).toBe('Stock cannot exceed 1000000: 1000002 in stock, cannot add 1');
    const short = await adjust(product.id, { delta: -1_000_000 });
    expect(short.status).toBe(200);
    expect(short.body.stock).toBe(2);
    const under = await adjust(product.id, { delta: -3 });
    expect(under.status).toBe(409);
    expect(under.body.message).toBe('Not enough stock: 2 left, cannot take 3');
  });

  it('applies concurrent adjustments exactly, never overselling', async () => {
    const product = await makeProduct(f, { stock: 20 });
    const takes = await Promise.all(Array.from({ length: 30 }, () => adjust(product.id, { delta: -1 })));
    expect(takes.filter((r) => r.status === 200)).toHaveLength(20);
    expect(takes.filter((r) => r.status === 409)).toHaveLength(10);
    const adds = await Promise.all(Array.from({ length: 15 }, () => adjust(product.id, { delta: 2 })));
    expect(adds.every((r) => r.status === 200)).toBe(true);
    expect((await f.server.request('GET', `/api/products/${product.id}`)).body.stock).toBe(30);
  });

  it('answers 400, 401, 403 and 404', async () => {
    const product = await makeProduct(f);
    for (const body of [{}, { delta: 0 }, { delta: 0.5 }, { delta: '1' }, { delta: 1_000_001 }]) {
      expect((await adjust(product.id, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await f.server.request('POST', `/api/products/${product.id}/stock-adjustments`, { body: { delta: 1 } })).status).toBe(401);
    expect((await adjust(product.id, { delta: 1 }, f.customer)).status).toBe(403);
    expect((await adjust(987654, { delta: 1 })).status).toBe(404);
  });
});

describe('GET /api/inventory/low-stock', () => {
  it('lists variants at or below their own threshold, else the store-wide one, lowest first', async () => {
    const atGlobal = await makeProduct(f, { name: 'Low At Global', stock: 5 });
    const overGlobal = await makeProduct(f, { name: 'Fine At Global', stock: 6 });
    const ownHigh = await makeProduct(f, { name: 'Own High Threshold', stock: 10, lowStockThreshold: 12 });
    const ownLow = await makeProduct(f, { name: 'Own Low Threshold', stock: 4, lowStockThreshold: 2 });
    const inactive = await makeProduct(f, { name: 'Inactive Low', stock: 1, isActive: false });
    const archived = await makeProduct(f, { name: 'Archived Low', stock: 0 });
    await f.server.request('DELETE', `/api/products/${archived.id}`, { token: f.staff });

    const res = await f.server.request('GET', '/api/inventory/low-stock?limit=50', { token: f.staff });
    expect(res.status).toBe(200);
    const ids = res.body.items.map((v: { productId: number }) => v.productId);
    expect(ids).toEqual(expect.arrayContaining([atGlobal.id, ownHigh.id, inactive.id]));
    expect(ids).not.toContain(overGlobal.id);
    expect(ids).not.toContain(ownLow.id);
    expect(ids).not.toContain(archived.id);
    const stocks = res.body.items.map((p: { stock: number }) => p.stock);
    expect(stocks).toEqual([...stocks].sort((a, b) => a - b));
    const high = res.body.items.find((v: { productId: number }) => v.productId === ownHigh.id);
    expect(high).toMatchObject({ lowStockThreshold: 12, effectiveThreshold: 12, name: 'Own High Threshold', title: 'Default' });
    expect(res.body.items.find((v: { productId: number }) => v.productId === atGlobal.id)).toMatchObject({
      lowStockThreshold: null,
      effectiveThreshold: 5,
    });
    expect(res.body.total).toBe(ids.length);

    // A threshold set through the normal update moves the product on or off the list.
    await f.server.request('PUT', `/api/products/${overGlobal.id}`, { token: f.staff, body: { lowStockThreshold: 6 } });
    const after = await f.server.request('GET', '/api/inventory/low-stock?limit=50', { token: f.admin });
    expect(after.body.items.map((v: { productId: number }) => v.productId)).toContain(overGlobal.id);
  });

  it('paginates', async () => {
    // Its own low-stock products, so it does not lean on what other tests left behind.
    const own = [];
    for (const stock of [0, 1, 2]) own.push((await makeProduct(f, { name: `Paged Low ${stock}`, stock })).id);
    const all = await f.server.request('GET', '/api/inventory/low-stock?limit=50', { token: f.staff });
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    expect(all.body.total).toBeLessThanOrEqual(50);
    const everyId = all.body.items.map((v: { productId: number }) => v.productId);
    expect(everyId).toEqual(expect.arrayContaining(own));

    const page = await f.server.request('GET', '/api/inventory/low-stock?limit=1&page=2', { token: f.staff });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ page: 2, limit: 1, total: all.body.total, totalPages: all.body.total });
    expect(page.body.items.map((v: { productId: number }) => v.productId)).toEqual([everyId[1]]);
    // pages of two, one after another, are the whole list in order
    const paged: number[] = [];
    const pages = Math.ceil(all.body.total / 2);
    for (let n = 1; n <= pages; n++) {
      const res = await f.server.request('GET', `/api/inventory/low-stock?limit=2&page=${n}`, { token: f.staff });
      expect(res.body).toMatchObject({ page: n, limit: 2, total: all.body.total, totalPages: pages });
      paged.push(...res.body.items.map((v: { productId: number }) => v.productId));
    }
    expect(paged).toEqual(everyId);
    const past = await f.server.request('GET', `/api/inventory/low-stock?limit=2&page=${pages + 1}`, { token: f.staff });
    expect(past.body.items).toEqual([]);
    expect((await f.server.request('GET', '/api/inventory/low-stock?limit=51', { token: f.staff })).status).toBe(400);
  });

  it('is for staff and admins only', async () => {
    expect((await f.server.request('GET', '/api/inventory/low-stock')).status).toBe(401);
    expect((await f.server.request('GET', '/api/inventory/low-stock', { token: f.customer })).status).toBe(403);
  });
});

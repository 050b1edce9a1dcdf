import { wishlistItems } from '@commerce/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct, updateProduct } from './orders-helpers';

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
});
afterAll(() => server.close());

const customer = () => createUserWithToken(server.runtime, 'customer');
const add = (token: string, productId: number | string) => server.request('PUT', `/api/wishlist/items/${productId}`, { token });
const remove = (token: string, productId: number | string) => server.request('DELETE', `/api/wishlist/items/${productId}`, { token });
const list = (token: string) => server.request('GET', '/api/wishlist', { token });

describe('wishlist', () => {
  it.each([
    ['GET', '/api/wishlist'],
    ['PUT', '/api/wishlist/items/1'],
    ['DELETE', '/api/wishlist/items/1'],
  ])('%s %s is 401 without a token', async (method, path) => {
    expect((await server.request(method, path)).status).toBe(401);
  });

  it('adds and removes idempotently, newest first, each answering the wishlist', async () => {
    const { token } = await customer();
    const a = await createProduct(db, { name: 'Teapot', priceCents: 2500, stock: 3 });
    const b = await createProduct(db, { name: 'Cup', priceCents: 800, stock: 0 });
    expect((await list(token)).body).toEqual({ items: [] });
    let res = await add(token, a);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ productId: a, name: 'Teapot', priceCents: 2500, currency: 'USD', available: true, addedAt: expect.any(String) }]);
    const firstAdded = res.body.items[0].addedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    res = await add(token, b);
    res = await add(token, a);
    expect(res.body.items.map((i: { productId: number }) => i.productId)).toEqual([b, a]);
    expect(res.body.items[1].addedAt).toBe(firstAdded);
    expect(res.body.items[0]).toMatchObject({ productId: b, available: false });
    res = await remove(token, a);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { productId: number }) => i.productId)).toEqual([b]);
    res = await remove(token, a);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
  });

  it('shows live prices and availability; an archived product disappears without error', async () => {
    const { token } = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 2 });
    const b = await createProduct(db);
    await add(token, a);
    await add(token, b);
    await updateProduct(db, a, { priceCents: 1500 });
    await updateProduct(db, b, { isActive: false });
    let res = await list(token);
    expect(res.body.items).toEqual([
      expect.objectContaining({ productId: b, available: false }),
      expect.objectContaining({ productId: a, priceCents: 1500, available: true }),
    ]);
    await updateProduct(db, a, { archivedAt: new Date() });
    res = await list(token);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { productId: number }) => i.productId)).toEqual([b]);
    // Removing the archived one is still fine.
    expect((await remove(token, a)).status).toBe(200);
  });

  it('refuses products nobody may buy (404) and malformed ids (400); keeps wishlists apart', async () => {
    const { token } = await customer();
    const other = await customer();
    const hidden = await createProduct(db, { isActive: false });
    const archived = await createProduct(db, { archivedAt: new Date() });
    expect((await add(token, hidden)).status).toBe(404);
    expect((await add(token, archived)).status).toBe(404);
    expect((await add(token, 2_000_000_000)).status).toBe(404);
    expect((await add(token, 'abc')).status).toBe(400);
    expect((await add(token, 0)).status).toBe(400);
    expect((await remove(token, 'abc')).status).toBe(400);
    expect((await remove(token, 2_000_000_000)).status).toBe(404);
    const p = await createProduct(db);
    await add(other.token, p);
    expect((await list(token)).body.items).toEqual([]);
    await remove(token, p);
    expect((await list(other.token)).body.items).toHaveLength(1);
  });

  it('keeps one row under 20 concurrent adds of one product', async () => {
    const { token, userId } = await customer();
    const p = await createProduct(db);
    const results = await Promise.all(Array.from({ length: 20 }, () => add(token, p)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const { eq } = await import('drizzle-orm');
    expect(await db.select().from(wishlistItems).where(eq(wishlistItems.userId, userId))).toHaveLength(1);
  });

  it('holds at most 200 products (409 wishlist_full), under concurrent adds too', async () => {
    const { token, userId } = await customer();
    const filler = await Promise.all(Array.from({ length: 195 }, () => createProduct(db)));
    await db.insert(wishlistItems).values(filler.map((productId) => ({ userId, productId })));
    const more = await Promise.all(Array.from({ length: 10 }, () => createProduct(db)));
    const results = await Promise.all(more.map((p) => add(token, p)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.body).toMatchObject({ reason: 'wishlist_full' });
    expect((await list(token)).body.items).toHaveLength(200);
    // Adding one already there is still fine when full.
    expect((await add(token, filler[0]!)).status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCategory, makeProduct, startCatalogServer, type CatalogFixture } from './catalog-helpers';

let f: CatalogFixture;

beforeAll(async () => {
  f = await startCatalogServer();
});
afterAll(() => f.server.close());

const put = (id: number, body: unknown, token = f.staff) => f.server.request('PUT', `/api/categories/${id}`, { token, body });

describe('GET /api/categories', () => {
  it('lists every category with its parent, for anyone', async () => {
    const empty = await f.server.request('GET', '/api/categories');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [] });
    const root = await makeCategory(f, { name: 'Garden' });
    const child = await makeCategory(f, { name: 'Garden Tools', parentId: root.id });
    for (const token of [undefined, f.customer, f.staff]) {
      const res = await f.server.request('GET', '/api/categories', { token });
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: root.id, parentId: null, slug: 'garden' }),
          expect.objectContaining({ id: child.id, parentId: root.id, slug: 'garden-tools' }),
        ]),
      );
    }
    const res = await f.server.request('GET', '/api/categories');
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['createdAt', 'id', 'name', 'parentId', 'slug', 'updatedAt']);
  });
});

describe('POST /api/categories', () => {
  it('is for staff and admins only', async () => {
    expect((await f.server.request('POST', '/api/categories', { body: { name: 'x' } })).status).toBe(401);
    expect((await f.server.request('POST', '/api/categories', { body: { name: 'x' }, token: f.customer })).status).toBe(403);
    expect((await f.server.request('POST', '/api/categories', { body: { name: 'Admin Made' }, token: f.admin })).status).toBe(200);
  });

  it('validates the name and the parent', async () => {
    for (const body of [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, { name: '\ud800' }, { name: 'a\udc00b' }, { name: 'a\u0000b' }, { name: 'ok', parentId: 0 }, { name: 'ok', parentId: 'a' }]) {
      const res = await f.server.request('POST', '/api/categories', { token: f.staff, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const unknown = await f.server.request('POST', '/api/categories', { token: f.staff, body: { name: 'Orphan', parentId: 987654 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/parentId/);
  });

  it('makes unique slugs, also for simultaneous creates', async () => {
    const n = 30;
    const results = await Promise.all(
      Array.from({ length: n }, () => f.server.request('POST', '/api/categories', { token: f.staff, body: { name: 'Lighting' } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(200));
    expect(results.map((r) => r.body.slug).sort()).toEqual(
      ['lighting', ...Array.from({ length: n - 1 }, (_, i) => `lighting-${i + 2}`)].sort(),
    );
    expect(new Set(results.map((r) => r.body.id)).size).toBe(n);
  });
});

describe('PUT /api/categories/{id}', () => {
  it('renames (new slug) and moves, to the root too', async () => {
    const a = await makeCategory(f, { name: 'Move A' });
    const b = await makeCategory(f, { name: 'Move B' });
    const renamed = await put(b.id, { name: 'Moved B', parentId: a.id });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Moved B', slug: 'moved-b', parentId: a.id });
    const root = await put(b.id, { parentId: null });
    expect(root.body).toMatchObject({ parentId: null, slug: 'moved-b' });
  });

  it('refuses a cycle with 409', async () => {
    const top = await makeCategory(f, { name: 'Cycle Top' });
    const mid = await makeCategory(f, { name: 'Cycle Mid', parentId: top.id });
    const low = await makeCategory(f, { name: 'Cycle Low', parentId: mid.id });
    expect((await put(top.id, { parentId: top.id })).status).toBe(409);
    expect((await put(top.id, { parentId: mid.id })).status).toBe(409);
    const deep = await put(top.id, { parentId: low.id });
    expect(deep.status).toBe(409);
    expect(deep.body.reason).toBe('category_cycle');
    expect(deep.body.message).toMatch(/subcategor/);
    expect((await put(low.id, { parentId: top.id })).status).toBe(200);
  });

  it('lets only one of two crossing moves through', async () => {
    for (let round = 0; round < 20; round++) {
      const x = await makeCategory(f, { name: `Cross X ${round}` });
      const y = await makeCategory(f, { name: `Cross Y ${round}` });
      const [first, second] = await Promise.all([put(x.id, { parentId: y.id }), put(y.id, { parentId: x.id })]);
      expect([first!.status, second!.status].sort(), `round ${round}`).toEqual([200, 409]);
    }
  });

  it('refuses exactly one of 25 simultaneous moves that would close a ring', async () => {
    const n = 25;
    const ring: { id: number }[] = [];
    for (let i = 0; i < n; i++) ring.push(await makeCategory(f, { name: `Ring ${i}` }));
    // each under the next: any n - 1 of these make a chain, all n a cycle
    const results = await Promise.all(ring.map((c, i) => put(c.id, { parentId: ring[(i + 1) % n]!.id })));
    expect(results.map((r) => r.status).sort()).toEqual([...Array<number>(n - 1).fill(200), 409]);
    const refused = ring[results.findIndex((r) => r.status === 409)]!;
    const parents = new Map(
      (await f.server.request('GET', '/api/categories')).body.items.map((c: { id: number; parentId: number | null }) => [c.id, c.parentId]),
    );
    // the refused one stayed at the root, the top of the chain; every other one has its new parent
    expect(parents.get(refused.id)).toBeNull();
    ring.forEach((c, i) => {
      if (c.id !== refused.id) expect(parents.get(c.id)).toBe(ring[(i + 1) % n]!.id);
    });
  });

  it('answers 401, 403, 400 and 404', async () => {
    const c = await makeCategory(f, { name: 'Guarded' });
    expect((await f.server.request('PUT', `/api/categories/${c.id}`, { body: { name: 'x' } })).status).toBe(401);
    expect((await put(c.id, { name: 'x' }, f.customer)).status).toBe(403);
    expect((await f.server.request('PUT', '/api/categories/abc', { token: f.staff, body: { name: 'x' } })).status).toBe(400);
    expect((await put(c.id, { name: '' })).status).toBe(400);
    expect((await put(c.id, { parentId: 987654 })).status).toBe(400);
    expect((await put(987654, { name: 'x' })).status).toBe(404);
  });
});

describe('DELETE /api/categories/{id}', () => {
  it('deletes an empty category and returns it', async () => {
    const c = await makeCategory(f, { name: 'Short Lived' });
    const res = await f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.staff });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, name: 'Short Lived' });
    expect((await f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.staff })).status).toBe(404);
    const list = await f.server.request('GET', '/api/categories');
    expect(list.body.items.map((x: { id: number }) => x.id)).not.toContain(c.id);
  });

  it('refuses with 409 while it has subcategories or products that are not archived, inactive ones included', async () => {
    const parent = await makeCategory(f, { name: 'Busy Parent' });
    const child = await makeCategory(f, { name: 'Busy Child', parentId: parent.id });
    const busy = await f.server.request('DELETE', `/api/categories/${parent.id}`, { token: f.staff });
    expect(busy.status).toBe(409);
    expect(busy.body.reason).toBe('category_in_use');
    expect(busy.body.message).toMatch(/subcategories/);
    const product = await makeProduct(f, { categoryId: child.id });
    const archived = await makeProduct(f, { categoryId: child.id });
    await f.server.request('DELETE', `/api/products/${archived.id}`, { token: f.staff });
    expect((await f.server.request('DELETE', `/api/categories/${child.id}`, { token: f.staff })).status).toBe(409);
    await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { isActive: false } });
    expect((await f.server.request('DELETE', `/api/categories/${child.id}`, { token: f.staff })).status).toBe(409);
    // refused: nothing changed, the archived product keeps its category too
    expect((await f.server.request('GET', `/api/products/${archived.id}`, { token: f.staff })).body.categoryId).toBe(child.id);
    await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { categoryId: null } });
    expect((await f.server.request('DELETE', `/api/categories/${child.id}`, { token: f.staff })).status).toBe(200);
    expect((await f.server.request('DELETE', `/api/categories/${parent.id}`, { token: f.staff })).status).toBe(200);
  });

  it('deletes a category whose only products are archived; they stay readable by staff, uncategorised, and orders keep them', async () => {
    const c = await makeCategory(f, { name: 'Discontinued Line' });
    const product = await makeProduct(f, { categoryId: c.id, name: 'Old Lamp', priceCents: 2500 });
    const ordered = await f.server.request('POST', '/api/orders', {
      token: f.customer,
      headers: { 'idempotency-key': `archived-category-${Date.now()}` },
      body: { items: [{ productId: product.id, quantity: 2 }] },
    });
    expect(ordered.status, JSON.stringify(ordered.body)).toBe(200);
    expect((await f.server.request('DELETE', `/api/products/${product.id}`, { token: f.staff })).status).toBe(200);

    const res = await f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.staff });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, name: 'Discontinued Line' });
    expect((await f.server.request('GET', '/api/categories')).body.items.map((x: { id: number }) => x.id)).not.toContain(c.id);

    const read = await f.server.request('GET', `/api/products/${product.id}`, { token: f.staff });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: product.id, name: 'Old Lamp', priceCents: 2500, categoryId: null });
    expect((await f.server.request('GET', `/api/products/${product.id}`)).status).toBe(404);

    const order = await f.server.request('GET', `/api/orders/${ordered.body.id}`, { token: f.customer });
    expect(order.status).toBe(200);
    expect(order.body.items).toEqual(ordered.body.items);
    expect(order.body.items).toEqual([expect.objectContaining({ productId: product.id, name: 'Old Lamp', quantity: 2, unitPriceCents: 2500 })]);
    expect(order.body.totalCents).toBe(ordered.body.totalCents);
  });

  it('never lets a product land in a category being deleted: one of the two is refused', async () => {
    for (let round = 0; round < 20; round++) {
      const c = await makeCategory(f, { name: `Contested ${round}` });
      const old = await makeProduct(f, { categoryId: c.id });
      await f.server.request('DELETE', `/api/products/${old.id}`, { token: f.staff });
      const [deleted, created] = await Promise.all([
        f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.staff }),
        f.server.request('POST', '/api/products', {
          token: f.staff,
          body: { name: `Latecomer ${round}`, priceCents: 100, stock: 1, categoryId: c.id },
        }),
      ]);
      if (deleted.status === 200) {
        expect(created.status, `round ${round}`).toBe(400);
        expect((await f.server.request('GET', `/api/products/${old.id}`, { token: f.staff })).body.categoryId).toBeNull();
      } else {
        expect([deleted.status, created.status], `round ${round}`).toEqual([409, 200]);
        expect((await f.server.request('GET', `/api/products/${old.id}`, { token: f.staff })).body.categoryId).toBe(c.id);
      }
    }
  });

  it('under a burst of one delete among 24 creates into the category: either the delete or every create is refused', async () => {
    for (let round = 0; round < 4; round++) {
      const c = await makeCategory(f, { name: `Burst ${round}` });
      const create = (i: number) =>
        f.server.request('POST', '/api/products', {
          token: f.staff,
          body: { name: `Burst ${round}-${i}`, priceCents: 100, stock: 1, categoryId: c.id },
        });
      // the delete goes out in the middle of the creates
      const requests = [
        ...Array.from({ length: 12 }, (_, i) => create(i)),
        f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.staff }),
        ...Array.from({ length: 12 }, (_, i) => create(12 + i)),
      ];
      const results = await Promise.all(requests);
      const deleted = results[12]!;
      const created = results.filter((_, i) => i !== 12);
      const inCategory = await f.server.request('GET', `/api/products?categoryId=${c.id}&limit=50`, { token: f.staff });
      if (deleted.status === 200) {
        // deleted first: every create named a category that no longer exists
        expect(created.map((r) => r.status), `round ${round}`).toEqual(Array(24).fill(400));
        expect(inCategory.body.total).toBe(0);
      } else {
        // some create landed first: the category stays, and with it every create
        expect(deleted.status, `round ${round}`).toBe(409);
        expect(created.map((r) => r.status), `round ${round}`).toEqual(Array(24).fill(200));
        expect(inCategory.body.total).toBe(24);
      }
    }
  });

  it('answers 401, 403, 400', async () => {
    const c = await makeCategory(f, { name: 'Kept' });
    expect((await f.server.request('DELETE', `/api/categories/${c.id}`)).status).toBe(401);
    expect((await f.server.request('DELETE', `/api/categories/${c.id}`, { token: f.customer })).status).toBe(403);
    expect((await f.server.request('DELETE', '/api/categories/-1', { token: f.staff })).status).toBe(400);
  });
});

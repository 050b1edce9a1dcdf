import { CATALOG_VERSION_KEY } from '@commerce/core';
import { insertTestProduct } from '@commerce/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieHeader, trpcQuery } from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { address, createProduct, keyHeader, stockOf, updateProduct } from './orders-helpers';

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];
let staff: string;
let admin: string;
const ADMIN_ORIGIN = 'http://admin.example.test';

beforeAll(async () => {
  server = await startTestServer({ CORS_ORIGINS: ADMIN_ORIGIN });
  db = server.runtime.deps.db;
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
  admin = (await createUserWithToken(server.runtime, 'admin')).token;
});
afterAll(() => server.close());

const customer = () => createUserWithToken(server.runtime, 'customer');

async function order(token: string, items: { productId: number; quantity: number }[], headers?: Record<string, string>) {
  return server.request('POST', '/api/orders', { token, body: { items, shippingAddress: address }, ...(headers ? { headers } : {}) });
}

const setStatus = (id: number, status: string, token = staff) =>
  server.request('PUT', `/api/orders/${id}/status`, { token, body: { status } });

describe('auth and roles', () => {
  it.each([
    ['POST', '/api/orders'],
    ['GET', '/api/orders/me'],
    ['GET', '/api/orders'],
    ['GET', '/api/orders/1'],
    ['POST', '/api/orders/1/cancel'],
    ['PUT', '/api/orders/1/status'],
  ])('%s %s is 401 without a token', async (method, path) => {
    const res = await server.request(method, path, { body: method === 'GET' ? undefined : { items: [], status: 'paid' } });
    expect(res.status).toBe(401);
  });

  it('keeps customers off staff routes (403)', async () => {
    const { token } = await customer();
    expect((await server.request('GET', '/api/orders', { token })).status).toBe(403);
    const p = await createProduct(db);
    const placed = await order(token, [{ productId: p, quantity: 1 }]);
    const res = await setStatus(placed.body.id, 'paid', token);
    expect(res.status).toBe(403);
  });
});

describe('POST /api/orders', () => {
  it('prices every line from the catalog, ignoring client prices, and takes stock', async () => {
    const { token, userId } = await customer();
    const a = await createProduct(db, { name: 'Kettle', priceCents: 4500, stock: 10 });
    const b = await createProduct(db, { name: 'Cup', priceCents: 250, stock: 10 });
    const res = await server.request('POST', '/api/orders', {
      token,
      body: {
        items: [
          { productId: b, quantity: 4, unitPriceCents: 1 },
          { productId: a, quantity: 1, priceCents: 0 },
        ],
        shippingAddress: { ...address, line2: 'Flat 2', region: 'Greater London', phone: '+44 20 7946 0000' },
        totalCents: 1,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userId,
      status: 'pending',
      totalCents: 4500 + 1000,
      currency: 'USD',
      shippingAddress: { ...address, line2: 'Flat 2', region: 'Greater London', phone: '+44 20 7946 0000' },
    });
    expect(res.body.items).toEqual([
      { productId: a, variantId: expect.any(Number), name: 'Kettle', variantTitle: 'Default', sku: null, quantity: 1, unitPriceCents: 4500, lineTotalCents: 4500, discountCents: 0, taxCents: 0 },
      { productId: b, variantId: expect.any(Number), name: 'Cup', variantTitle: 'Default', sku: null, quantity: 4, unitPriceCents: 250, lineTotalCents: 1000, discountCents: 0, taxCents: 0 },
    ]);
    expect(res.body.events).toEqual([
      { fromStatus: null, toStatus: 'pending', actorUserId: userId, actorKind: 'customer', note: null, createdAt: expect.any(String) },
    ]);
    expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    expect(await stockOf(db, a)).toBe(9);
    expect(await stockOf(db, b)).toBe(6);
  });

  it('merges duplicate product lines', async () => {
    const { token } = await customer();
    const a = await createProduct(db, { stock: 10 });
    const res = await order(token, [
      { productId: a, quantity: 2 },
      { productId: a, quantity: 3 },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ productId: a, quantity: 5 })]);
    expect(await stockOf(db, a)).toBe(5);
  });

  it('refuses merged lines over 1000 units (400)', async () => {
    const { token } = await customer();
    const a = await createProduct(db, { stock: 5000 });
    const res = await order(token, [
      { productId: a, quantity: 600 },
      { productId: a, quantity: 500 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`product ${a}`);
    expect(await stockOf(db, a)).toBe(5000);
  });

  it.each([
    ['quantity 0', [{ quantity: 0 }]],
    ['negative quantity', [{ quantity: -3 }]],
    ['fractional quantity', [{ quantity: 0.5 }]],
    ['huge quantity', [{ quantity: 1e15 }]],
    ['quantity over 1000', [{ quantity: 1001 }]],
    ['no lines', []],
    ['a malformed productId', [{ productId: 'abc', quantity: 1 }]],
    ['too many lines', Array.from({ length: 101 }, () => ({ quantity: 1 }))],
  ])('refuses %s with 400', async (_label, lines) => {
    const { token } = await customer();
    const p = await createProduct(db);
    const items = (lines as Record<string, unknown>[]).map((line) => ({ productId: p, ...line }));
    const res = await server.request('POST', '/api/orders', { token, body: { items } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
    expect(await stockOf(db, p)).toBe(10);
  });

  it('accepts the boundaries: exactly 100 lines, and 1000 units on one line', async () => {
    const { token } = await customer();
    const ids = (await Promise.all(Array.from({ length: 100 }, () => insertTestProduct(db, { priceCents: 1, stock: 10 })))).map(
      (p) => p.id,
    );
    const hundred = await order(token, ids.map((productId) => ({ productId, quantity: 1 })));
    expect(hundred.status, JSON.stringify(hundred.body)).toBe(200);
    expect(hundred.body.items).toHaveLength(100);
    expect(hundred.body.totalCents).toBe(100);
    expect(await stockOf(db, ids[0]!)).toBe(9);
    expect(await stockOf(db, ids[99]!)).toBe(9);

    const bulk = await createProduct(db, { priceCents: 3, stock: 1500 });
    const thousand = await order(token, [{ productId: bulk, quantity: 1000 }]);
    expect(thousand.status, JSON.stringify(thousand.body)).toBe(200);
    expect(thousand.body.items).toEqual([expect.objectContaining({ productId: bulk, quantity: 1000, lineTotalCents: 3000 })]);
    expect(await stockOf(db, bulk)).toBe(500);
  });

  it('refuses a missing items list and malformed JSON with 400', async () => {
    const { token } = await customer();
    expect((await server.request('POST', '/api/orders', { token, body: {} })).status).toBe(400);
    expect((await server.request('POST', '/api/orders', { token, rawBody: '{"items": [' })).status).toBe(400);
  });

  it.each([
    ['missing name', { name: undefined }],
    ['empty line1', { line1: '   ' }],
    ['three-letter country', { country: 'USA' }],
    ['lower-case country', { country: 'gb' }],
    ['overlong city', { city: 'x'.repeat(101) }],
    ['overlong postal code', { postalCode: '1'.repeat(21) }],
    ['bad phone', { phone: 'call me maybe' }],
    ['a lone high surrogate as the name', { name: '\ud800' }],
    ['a lone low surrogate in line1', { line1: 'x\udc00y' }],
    ['a NUL in the city', { city: 'Lon\u0000don' }],
  ])('refuses an address with %s (400)', async (_label, change) => {
    const { token } = await customer();
    const p = await createProduct(db);
    const res = await server.request('POST', '/api/orders', {
      token,
      body: { items: [{ productId: p, quantity: 1 }], shippingAddress: { ...address, ...change } },
    });
    expect(res.status).toBe(400);
  });

  it('names an unknown or unsellable productId alike (400), so hidden products cannot be told from missing ones', async () => {
    const { token } = await customer();
    const fine = await createProduct(db);
    const inactive = await createProduct(db, { isActive: false });
    const archived = await createProduct(db, { archivedAt: new Date() });
    const answers = [];
    for (const productId of [987_654, inactive, archived]) {
      const res = await order(token, [
        { productId: fine, quantity: 1 },
        { productId, quantity: 1 },
      ]);
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`items: productId ${productId} does not exist or is not for sale`);
      expect(res.body.data.field).toBe('productId');
      answers.push({ ...res.body, message: res.body.message.replace(String(productId), 'N'), data: { ...res.body.data, productId: 'N' } });
    }
    // Apart from the id itself, the three answers are the same.
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await stockOf(db, fine)).toBe(10);
  });

  it('refuses the whole order when one line is short (409 naming the product)', async () => {
    const { token } = await customer();
    const plenty = await createProduct(db, { stock: 10 });
    const scarce = await createProduct(db, { stock: 2 });
    const res = await order(token, [
      { productId: plenty, quantity: 5 },
      { productId: scarce, quantity: 3 },
    ]);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(res.body.reason).toBe('out_of_stock');
    expect(res.body.data).toMatchObject({ productId: scarce });
    expect(res.body.message).toContain(`product ${scarce}`);
    expect(await stockOf(db, plenty)).toBe(10);
    expect(await stockOf(db, scarce)).toBe(2);
    expect((await server.request('GET', '/api/orders/me', { token })).body.total).toBe(0);
  });

  it('refuses an order whose total overflows (400), taking nothing', async () => {
    const { token } = await customer();
    const pricey = await createProduct(db, { priceCents: 2_000_000_000, stock: 10 });
    const res = await order(token, [{ productId: pricey, quantity: 2 }]);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/too large/);
    expect(await stockOf(db, pricey)).toBe(10);
  });

  it('bumps the catalog version when a product sells out, and whenever stock comes back', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 2 });
    const version = async () => server.runtime.deps.cache.get(CATALOG_VERSION_KEY);
    const v0 = await version();
    const first = await order(token, [{ productId: p, quantity: 1 }]);
    expect(await version()).toBe(v0);
    const last = await order(token, [{ productId: p, quantity: 1 }]);
    const v1 = await version();
    expect(v1).not.toBe(v0);
    await server.request('POST', `/api/orders/${first.body.id}/cancel`, { token });
    const v2 = await version();
    expect(v2).not.toBe(v1);
    // Returned stock is news even when the product was not sold out.
    await server.request('POST', `/api/orders/${last.body.id}/cancel`, { token });
    expect(await version()).not.toBe(v2);
  });
});

describe('Idempotency-Key', () => {
  it('answers a retry with the first order and takes stock once', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const first = await order(token, [{ productId: p, quantity: 3 }], keyHeader('retry-1'));
    const retry = await order(token, [{ productId: p, quantity: 3 }], keyHeader('retry-1'));
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(await stockOf(db, p)).toBe(7);
    // the same request in another spelling (split lines) is the same request
    const split = await order(token, [
      { productId: p, quantity: 1 },
      { productId: p, quantity: 2 },
    ], keyHeader('retry-1'));
    expect(split.body.id).toBe(first.body.id);
  });

  it('is 409 for the same key with a different body, and keys are per user', async () => {
    const { token } = await customer();
    const other = await customer();
    const p = await createProduct(db, { stock: 10 });
    await order(token, [{ productId: p, quantity: 1 }], keyHeader('shared'));
    const res = await order(token, [{ productId: p, quantity: 2 }], keyHeader('shared'));
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('idempotency_key_reused');
    expect(res.body.message).toMatch(/different request/);
    const theirs = await order(other.token, [{ productId: p, quantity: 2 }], keyHeader('shared'));
    expect(theirs.status).toBe(200);
    expect(await stockOf(db, p)).toBe(7);
  });

  it('lets a retry try again after the first attempt failed', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 1 });
    expect((await order(token, [{ productId: p, quantity: 2 }], keyHeader('after-409'))).status).toBe(409);
    await updateProduct(db, p, { stock: 5 });
    const retry = await order(token, [{ productId: p, quantity: 2 }], keyHeader('after-409'));
    expect(retry.status).toBe(200);
    expect(await stockOf(db, p)).toBe(3);
  });

  it('makes a new order once the key expired (24 h)', async () => {
    const { token, userId } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const first = await order(token, [{ productId: p, quantity: 1 }], keyHeader('daily'));
    const row = await db.query.idempotencyKeys.findFirst({ where: (k, { and, eq }) => and(eq(k.userId, userId), eq(k.key, 'daily')) });
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(24 * 3600 * 1000);
    await db.execute(`update idempotency_keys set expires_at = now() - interval '1 second' where user_id = ${userId}`);
    const later = await order(token, [{ productId: p, quantity: 1 }], keyHeader('daily'));
    expect(later.status).toBe(200);
    expect(later.body.id).not.toBe(first.body.id);
    expect(await stockOf(db, p)).toBe(8);
    // and the renewed key answers its new order
    expect((await order(token, [{ productId: p, quantity: 1 }], keyHeader('daily'))).body.id).toBe(later.body.id);
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['non-ASCII', 'clé-1'],
    ['a control character', 'a\tb'],
  ])('refuses a key that is %s (400)', async (_label, key) => {
    const { token } = await customer();
    const p = await createProduct(db);
    const res = await order(token, [{ productId: p, quantity: 1 }], keyHeader(key));
    expect(res.status).toBe(400);
    expect(await stockOf(db, p)).toBe(10);
  });

  it('accepts the key as a tRPC input field', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const call = () =>
      server.request('POST', '/trpc/orders.create', { token, body: { items: [{ productId: p, quantity: 2 }], idempotencyKey: 'trpc-key' } });
    const [a, b] = [await call(), await call()];
    expect(a.status).toBe(200);
    expect(b.body.result.data.id).toBe(a.body.result.data.id);
    expect(await stockOf(db, p)).toBe(8);
    const bad = await server.request('POST', '/trpc/orders.create', {
      token,
      body: { items: [{ productId: p, quantity: 2 }], idempotencyKey: '' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('reads', () => {
  it('lists my orders newest first, paginated and filtered by status; never anyone else’s', async () => {
    const { token, userId } = await customer();
    const other = await customer();
    const p = await createProduct(db, { stock: 100 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await order(token, [{ productId: p, quantity: 1 }])).body.id);
    await order(other.token, [{ productId: p, quantity: 1 }]);
    expect((await setStatus(ids[0]!, 'paid')).status).toBe(200);

    let res = await server.request('GET', '/api/orders/me?limit=2', { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ page: 1, limit: 2, total: 3, totalPages: 2 });
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([ids[2], ids[1]]);
    expect(res.body.items[0].items).toHaveLength(1);
    expect(res.body.items.every((o: { userId: number }) => o.userId === userId)).toBe(true);
    res = await server.request('GET', '/api/orders/me?page=2&limit=2', { token });
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([ids[0]]);
    res = await server.request('GET', '/api/orders/me?status=paid', { token });
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([ids[0]]);
    res = await server.request('GET', '/api/orders/me?page=9', { token });
    expect(res.body.items).toEqual([]);
    const fresh = await customer();
    expect((await server.request('GET', '/api/orders/me', { token: fresh.token })).body).toEqual({
      items: [],
      page: 1,
      limit: 10,
      total: 0,
      totalPages: 0,
    });
  });

  it.each(['status=lost', 'limit=51', 'page=0'])('refuses /orders/me?%s with 400', async (query) => {
    const { token } = await customer();
    expect((await server.request('GET', `/api/orders/me?${query}`, { token })).status).toBe(400);
  });

  it('lets staff and admin list every order, filtered by status and user', async () => {
    const a = await customer();
    const b = await customer();
    const p = await createProduct(db, { stock: 100 });
    const oa = (await order(a.token, [{ productId: p, quantity: 1 }])).body.id;
    const ob = (await order(b.token, [{ productId: p, quantity: 1 }])).body.id;
    expect((await setStatus(ob, 'paid')).status).toBe(200);
    let res = await server.request('GET', `/api/orders?userId=${a.userId}`, { token: staff });
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([oa]);
    res = await server.request('GET', `/api/orders?status=paid&userId=${b.userId}`, { token: admin });
    expect(res.body.items.map((o: { id: number }) => o.id)).toEqual([ob]);
    res = await server.request('GET', `/api/orders?status=paid&userId=${a.userId}`, { token: admin });
    expect(res.body.total).toBe(0);
    res = await server.request('GET', '/api/orders?limit=50', { token: staff });
    expect(res.body.total).toBeGreaterThanOrEqual(2);
    expect((await server.request('GET', '/api/orders?userId=abc', { token: staff })).status).toBe(400);
  });

  it('shows an order to its owner, staff and admin; 404 to another customer or for an unknown id', async () => {
    const owner = await customer();
    const stranger = await customer();
    const p = await createProduct(db);
    const id = (await order(owner.token, [{ productId: p, quantity: 1 }])).body.id;
    for (const token of [owner.token, staff, admin]) {
      const res = await server.request('GET', `/api/orders/${id}`, { token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, userId: owner.userId, items: [expect.objectContaining({ productId: p })] });
      expect(res.body.events).toHaveLength(1);
    }
    const hidden = await server.request('GET', `/api/orders/${id}`, { token: stranger.token });
    expect(hidden.status).toBe(404);
    // over tRPC too
    const hiddenTrpc = await server.request('GET', trpcQuery('orders.byId', { id }), { token: stranger.token });
    expect(hiddenTrpc.status).toBe(404);
    expect(hiddenTrpc.body.error.data.code).toBe('NOT_FOUND');
    expect(JSON.stringify(hiddenTrpc.body)).not.toContain(address.line1);
    // and the owner reads it over tRPC
    const ownTrpc = await server.request('GET', trpcQuery('orders.byId', { id }), { token: owner.token });
    expect(ownTrpc.status).toBe(200);
    expect(ownTrpc.body.result.data).toMatchObject({ id, userId: owner.userId });
    expect((await server.request('GET', '/api/orders/99999999', { token: owner.token })).status).toBe(404);
    expect((await server.request('GET', '/api/orders/abc', { token: owner.token })).status).toBe(400);
  });
});

describe('status machine', () => {
  it('walks pending → paid → shipped → delivered → refunded, writing the timeline', async () => {
    const { token, userId } = await customer();
    const staffUser = await createUserWithToken(server.runtime, 'staff');
    const p = await createProduct(db, { stock: 5 });
    const id = (await order(token, [{ productId: p, quantity: 2 }])).body.id;
    for (const status of ['paid', 'shipped', 'delivered', 'refunded']) {
      const res = await setStatus(id, status, staffUser.token);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
    }
    const detail = await server.request('GET', `/api/orders/${id}`, { token });
    expect(detail.body.events.map((e: { fromStatus: string | null; toStatus: string }) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'pending'],
      ['pending', 'paid'],
      ['paid', 'shipped'],
      ['shipped', 'delivered'],
      ['delivered', 'refunded'],
    ]);
    expect(detail.body.events[0]).toMatchObject({ actorUserId: userId, actorKind: 'customer' });
    // who on the staff made a change is for staff to see (order-timeline.test.ts covers customers)
    const staffView = await server.request('GET', `/api/orders/${id}`, { token: staffUser.token });
    expect(staffView.body.events[1]).toMatchObject({ actorUserId: staffUser.userId, actorKind: 'staff' });
    // refunded after delivery: the goods are out, stock stays taken
    expect(await stockOf(db, p)).toBe(3);
  });

  it.each([
    [[], 'shipped'],
    [[], 'delivered'],
    [[], 'refunded'],
    [[], 'pending'],
    [['paid'], 'pending'],
    [['paid'], 'paid'],
    [['paid', 'shipped'], 'cancelled'],
    [['paid', 'shipped'], 'paid'],
    [['paid', 'shipped', 'delivered'], 'shipped'],
    [['cancelled'], 'paid'],
    [['cancelled'], 'refunded'],
    [['paid', 'refunded'], 'paid'],
    [['paid', 'refunded'], 'cancelled'],
  ])('after %j, refuses → %s with 409 and changes nothing', async (path, to) => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 5 });
    const id = (await order(token, [{ productId: p, quantity: 1 }])).body.id;
    for (const status of path) expect((await setStatus(id, status)).status).toBe(200);
    const before = await server.request('GET', `/api/orders/${id}`, { token: staff });
    const stock = await stockOf(db, p);
    const res = await setStatus(id, to);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(res.body.reason).toBe('illegal_transition');
    const after = await server.request('GET', `/api/orders/${id}`, { token: staff });
    expect(after.body.status).toBe(before.body.status);
    expect(after.body.events).toHaveLength(before.body.events.length);
    expect(await stockOf(db, p)).toBe(stock);
  });

  it('refuses an unknown status with 400 and an unknown order with 404', async () => {
    expect((await setStatus(1, 'teleported')).status).toBe(400);
    expect((await setStatus(99_999_999, 'paid')).status).toBe(404);
  });

  it('returns stock on paid → refunded (nothing shipped), not on shipped → refunded', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const a = (await order(token, [{ productId: p, quantity: 3 }])).body.id;
    const b = (await order(token, [{ productId: p, quantity: 2 }])).body.id;
    expect(await stockOf(db, p)).toBe(5);
    const move = async (id: number, status: string) => {
      const res = await setStatus(id, status);
      expect(res.status, `${id} → ${status}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toMatchObject({ id, status });
    };
    await move(a, 'paid');
    expect(await stockOf(db, p)).toBe(5);
    await move(a, 'refunded');
    expect(await stockOf(db, p)).toBe(8);
    await move(b, 'paid');
    await move(b, 'shipped');
    await move(b, 'refunded');
    expect(await stockOf(db, p)).toBe(8);
  });

  it('applies only one of many concurrent transitions from the same status', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const id = (await order(token, [{ productId: p, quantity: 4 }])).body.id;
    expect((await setStatus(id, 'paid')).status).toBe(200);
    // 40 moves out of `paid` at once, each legal on its own: cancel (returns stock), ship,
    // refund (returns stock) and the cancel endpoint.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        [
          () => setStatus(id, 'cancelled'),
          () => setStatus(id, 'shipped'),
          () => setStatus(id, 'refunded'),
          () => server.request('POST', `/api/orders/${id}/cancel`, { token: admin }),
        ][i % 4]!(),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(results.length - 1);
    const detail = (await server.request('GET', `/api/orders/${id}`, { token: staff })).body;
    expect(detail.status).toBe(ok[0]!.body.status);
    expect(detail.events).toHaveLength(3);
    // stock came back exactly once, or not at all when the winner shipped
    expect(await stockOf(db, p)).toBe(detail.status === 'shipped' ? 6 : 10);
  });
});

describe('POST /api/orders/{id}/cancel', () => {
  it('shows the stock a staff cancel or refund returns to the next anonymous read at once', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 10 });
    const cancelled = (await order(token, [{ productId: p, quantity: 3 }])).body.id;
    const refunded = (await order(token, [{ productId: p, quantity: 2 }])).body.id;
    const url = `/api/products/${p}`;
    const anonymousStock = async (expected: number) => {
      const miss = await server.request('GET', url);
      expect(miss.body.stock).toBe(expected);
      // the page is cached now: only a catalog version bump can make the next read see a change
      const hit = await server.request('GET', url);
      expect([hit.headers['x-cache'], hit.body.stock]).toEqual(['hit', expected]);
    };
    await anonymousStock(5);
    expect((await server.request('POST', `/api/orders/${cancelled}/cancel`, { token: staff })).status).toBe(200);
    await anonymousStock(8);
    expect((await setStatus(refunded, 'paid')).status).toBe(200);
    expect((await setStatus(refunded, 'refunded')).status).toBe(200);
    await anonymousStock(10);
  });

  it('lets the owner cancel a pending order, returning its stock', async () => {
    const { token, userId } = await customer();
    const a = await createProduct(db, { stock: 5 });
    const b = await createProduct(db, { stock: 5 });
    const id = (await order(token, [
      { productId: a, quantity: 5 },
      { productId: b, quantity: 1 },
    ])).body.id;
    expect(await stockOf(db, a)).toBe(0);
    const res = await server.request('POST', `/api/orders/${id}/cancel`, { token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'cancelled', actorUserId: userId, actorKind: 'customer' });
    expect(await stockOf(db, a)).toBe(5);
    expect(await stockOf(db, b)).toBe(5);
    // cancelling twice is an illegal transition, and returns nothing twice
    expect((await server.request('POST', `/api/orders/${id}/cancel`, { token })).status).toBe(409);
    expect(await stockOf(db, a)).toBe(5);
  });

  it('refuses the owner once the order is paid (409); staff may still cancel it', async () => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 5 });
    const id = (await order(token, [{ productId: p, quantity: 2 }])).body.id;
    expect((await setStatus(id, 'paid')).status).toBe(200);
    const res = await server.request('POST', `/api/orders/${id}/cancel`, { token });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('illegal_transition');
    expect(res.body.message).toMatch(/pending/);
    expect(await stockOf(db, p)).toBe(3);
    const byStaff = await server.request('POST', `/api/orders/${id}/cancel`, { token: staff });
    expect(byStaff.status).toBe(200);
    expect(byStaff.body.status).toBe('cancelled');
    expect(await stockOf(db, p)).toBe(5);
  });

  it('is 404 for another customer’s order and leaves it alone', async () => {
    const owner = await customer();
    const stranger = await customer();
    const p = await createProduct(db, { stock: 5 });
    const id = (await order(owner.token, [{ productId: p, quantity: 1 }])).body.id;
    expect((await server.request('POST', `/api/orders/${id}/cancel`, { token: stranger.token })).status).toBe(404);
    // over tRPC too
    const trpc = await server.request('POST', '/trpc/orders.cancel', { token: stranger.token, body: { id } });
    expect(trpc.status).toBe(404);
    expect(trpc.body.error.data.code).toBe('NOT_FOUND');
    const after = await server.request('GET', `/api/orders/${id}`, { token: owner.token });
    expect(after.body.status).toBe('pending');
    expect(after.body.events).toHaveLength(1);
    expect(await stockOf(db, p)).toBe(4);
    expect((await server.request('POST', '/api/orders/99999999/cancel', { token: owner.token })).status).toBe(404);
    expect((await server.request('POST', '/trpc/orders.cancel', { token: owner.token, body: { id: 99_999_999 } })).status).toBe(404);
  });
});

describe('cookie sessions: CSRF on order and checkout', () => {
  const cookieCases: [string, Record<string, string>][] = [
    ['no Origin', {}],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null', { origin: 'null' }],
  ];

  it.each(cookieCases)('refuses POST /api/orders by cookie with %s (403), taking no stock and making no order', async (_label, extra) => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 5 });
    const res = await order('', [{ productId: p, quantity: 2 }], { ...cookieHeader(token), ...extra });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await stockOf(db, p)).toBe(5);
    expect((await server.request('GET', '/api/orders/me', { token })).body.total).toBe(0);
    // the same over tRPC
    const trpc = await server.request('POST', '/trpc/orders.create', {
      headers: { ...cookieHeader(token), ...extra },
      body: { items: [{ productId: p, quantity: 2 }] },
    });
    expect(trpc.status).toBe(403);
    expect(await stockOf(db, p)).toBe(5);
    expect((await server.request('GET', '/api/orders/me', { token })).body.total).toBe(0);
  });

  it.each(cookieCases)('refuses POST /api/cart/checkout by cookie with %s (403), keeping the cart and the stock', async (_label, extra) => {
    const { token } = await customer();
    const p = await createProduct(db, { stock: 5 });
    expect((await server.request('POST', '/api/cart/items', { token, body: { productId: p, quantity: 2 } })).status).toBe(200);
    const res = await server.request('POST', '/api/cart/checkout', { headers: { ...cookieHeader(token), ...extra }, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await stockOf(db, p)).toBe(5);
    expect((await server.request('GET', '/api/orders/me', { token })).body.total).toBe(0);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toEqual([
      expect.objectContaining({ productId: p, quantity: 2 }),
    ]);
  });

  it('accepts both by cookie from an allowed Origin', async () => {
    const { token, userId } = await customer();
    const p = await createProduct(db, { stock: 5 });
    const headers = { ...cookieHeader(token), origin: ADMIN_ORIGIN };
    const placed = await order('', [{ productId: p, quantity: 2 }], headers);
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body).toMatchObject({ userId, status: 'pending' });
    expect(await stockOf(db, p)).toBe(3);

    const added = await server.request('POST', '/api/cart/items', { headers, body: { productId: p, quantity: 1 } });
    expect(added.status).toBe(200);
    const checkedOut = await server.request('POST', '/api/cart/checkout', { headers, body: {} });
    expect(checkedOut.status, JSON.stringify(checkedOut.body)).toBe(200);
    expect(checkedOut.body).toMatchObject({ userId, status: 'pending' });
    expect(await stockOf(db, p)).toBe(2);
    expect((await server.request('GET', '/api/orders/me', { token })).body.total).toBe(2);
  });
});

describe('OpenAPI', () => {
  it('documents the cart and order paths with the Idempotency-Key header', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    for (const path of ['/cart', '/cart/items', '/cart/items/{productId}', '/cart/checkout', '/orders', '/orders/me', '/orders/{id}', '/orders/{id}/cancel', '/orders/{id}/status']) {
      expect(doc.paths[path], path).toBeDefined();
    }
    const params = doc.paths['/orders'].post.parameters as { in: string; name: string }[];
    expect(params).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
  });
});

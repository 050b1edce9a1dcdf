import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trpcQuery } from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { address, createProduct, keyHeader } from './orders-helpers';

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
});
afterAll(() => server.close());

const customer = async () => (await createUserWithToken(server.runtime, 'customer')).token;
const save = (token: string, body: Record<string, unknown>) => server.request('POST', '/api/addresses', { token, body });
const list = async (token: string) => (await server.request('GET', '/api/addresses', { token })).body.items as Array<Record<string, unknown>>;
const defaults = (items: Array<Record<string, unknown>>, flag: 'isDefaultShipping' | 'isDefaultBilling') =>
  items.filter((item) => item[flag]).map((item) => item.id);

describe('address book', () => {
  it.each([
    ['GET', '/api/addresses'],
    ['POST', '/api/addresses'],
    ['PUT', '/api/addresses/1'],
    ['DELETE', '/api/addresses/1'],
  ])('%s %s is 401 without a token', async (method, path) => {
    expect((await server.request(method, path, { body: method === 'GET' || method === 'DELETE' ? undefined : address })).status).toBe(401);
  });

  it('saves, lists, edits (null clears an optional field) and deletes', async () => {
    const token = await customer();
    expect(await list(token)).toEqual([]);
    let res = await save(token, { ...address, line2: 'Flat 3', phone: '+44 20 7946 0000' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(Number),
      ...address,
      line2: 'Flat 3',
      phone: '+44 20 7946 0000',
      isDefaultShipping: false,
      isDefaultBilling: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = res.body.id as number;
    res = await server.request('PUT', `/api/addresses/${id}`, { token, body: { city: 'Cambridge', line2: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ city: 'Cambridge', phone: '+44 20 7946 0000', name: address.name });
    expect(res.body).not.toHaveProperty('line2');
    expect(await list(token)).toEqual([res.body]);
    res = await server.request('DELETE', `/api/addresses/${id}`, { token });
    expect(res.body).toEqual({ success: true });
    expect(await list(token)).toEqual([]);
    expect((await server.request('DELETE', `/api/addresses/${id}`, { token })).status).toBe(404);
  });

  it('validates like shippingAddress: ISO country, bounded text, and the whole address after an edit', async () => {
    const token = await customer();
    for (const bad of [
      { ...address, country: 'gb' },
      { ...address, country: 'GBR' },
      { ...address, name: '' },
      { ...address, line1: 'x'.repeat(201) },
      { ...address, phone: 'call me' },
      { ...address, postalCode: undefined },
      { ...address, city: 'a\u0000b' },
    ]) {
      const res = await save(token, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const { body } = await save(token, address);
    expect((await server.request('PUT', `/api/addresses/${body.id}`, { token, body: { country: 'United Kingdom' } })).status).toBe(400);
    expect((await server.request('PUT', `/api/addresses/${body.id}`, { token, body: { name: null } })).status).toBe(400);
    expect((await server.request('PUT', '/api/addresses/abc', { token, body: {} })).status).toBe(400);
    expect(await list(token)).toEqual([body]);
  });

  it("answers 404 for another user's address, to edit or delete", async () => {
    const owner = await customer();
    const other = await customer();
    const { body } = await save(owner, address);
    expect((await server.request('PUT', `/api/addresses/${body.id}`, { token: other, body: { city: 'Paris' } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/addresses/${body.id}`, { token: other })).status).toBe(404);
    expect((await list(owner))[0]).toMatchObject({ city: address.city });
    expect(await list(other)).toEqual([]);
  });

  it('holds at most 20 addresses, 409 address_book_full, and 20 under 30 concurrent saves', async () => {
    const token = await customer();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => save(token, { ...address, line1: `${i} Street` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body).toMatchObject({ reason: 'address_book_full' });
    expect(await list(token)).toHaveLength(20);
    const res = await save(token, address);
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('address_book_full');
    // Deleting one makes room again.
    await server.request('DELETE', `/api/addresses/${(await list(token))[0]!.id as number}`, { token });
    expect((await save(token, address)).status).toBe(200);
  });

  it('keeps one default shipping and one default billing: setting one clears the previous', async () => {
    const token = await customer();
    const a = (await save(token, { ...address, isDefaultShipping: true, isDefaultBilling: true })).body;
    const b = (await save(token, { ...address, isDefaultShipping: true })).body;
    let items = await list(token);
    expect(defaults(items, 'isDefaultShipping')).toEqual([b.id]);
    expect(defaults(items, 'isDefaultBilling')).toEqual([a.id]);
    await server.request('PUT', `/api/addresses/${a.id}`, { token, body: { isDefaultShipping: true } });
    items = await list(token);
    expect(defaults(items, 'isDefaultShipping')).toEqual([a.id]);
    expect(defaults(items, 'isDefaultBilling')).toEqual([a.id]);
    await server.request('PUT', `/api/addresses/${a.id}`, { token, body: { isDefaultBilling: false } });
    expect(defaults(await list(token), 'isDefaultBilling')).toEqual([]);
  });

  it('leaves exactly one default under 20 concurrent default changes (creates and edits)', async () => {
    const token = await customer();
    const saved = await Promise.all(Array.from({ length: 10 }, (_, i) => save(token, { ...address, line1: `${i} Road` })));
    const ids = saved.map((r) => r.body.id as number);
    const results = await Promise.all([
      ...ids.map((id) => server.request('PUT', `/api/addresses/${id}`, { token, body: { isDefaultShipping: true, isDefaultBilling: true } })),
      ...Array.from({ length: 10 }, () => save(token, { ...address, isDefaultShipping: true, isDefaultBilling: true })),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const items = await list(token);
    expect(defaults(items, 'isDefaultShipping')).toHaveLength(1);
    expect(defaults(items, 'isDefaultBilling')).toHaveLength(1);
  });
});

describe('addressId on orders and checkout', () => {
  it('copies a saved address onto POST /api/orders; a later edit or delete leaves the order as it was', async () => {
    const token = await customer();
    const p = await createProduct(db);
    const saved = (await save(token, { ...address, region: 'Greater London' })).body;
    const res = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: p, quantity: 1 }], addressId: saved.id } });
    expect(res.status).toBe(200);
    expect(res.body.shippingAddress).toEqual({ ...address, region: 'Greater London' });
    await server.request('PUT', `/api/addresses/${saved.id}`, { token, body: { city: 'Leeds' } });
    await server.request('DELETE', `/api/addresses/${saved.id}`, { token });
    const again = await server.request('GET', `/api/orders/${res.body.id}`, { token });
    expect(again.body.shippingAddress).toEqual({ ...address, region: 'Greater London' });
  });

  it('copies a saved address at checkout', async () => {
    const token = await customer();
    const p = await createProduct(db);
    const saved = (await save(token, address)).body;
    await server.request('POST', '/api/cart/items', { token, body: { productId: p, quantity: 2 } });
    const res = await server.request('POST', '/api/cart/checkout', { token, body: { addressId: saved.id } });
    expect(res.status).toBe(200);
    expect(res.body.shippingAddress).toEqual(address);
  });

  it("is a 404 with another user's address (nothing is taken), and a 400 with both kinds of address", async () => {
    const token = await customer();
    const other = await customer();
    const p = await createProduct(db, { stock: 3 });
    const theirs = (await save(other, address)).body;
    let res = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: p, quantity: 1 }], addressId: theirs.id } });
    expect(res.status).toBe(404);
    await server.request('POST', '/api/cart/items', { token, body: { productId: p, quantity: 1 } });
    res = await server.request('POST', '/api/cart/checkout', { token, body: { addressId: theirs.id } });
    expect(res.status).toBe(404);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toHaveLength(1);
    res = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: p, quantity: 1 }], addressId: 2_000_000_000 } });
    expect(res.status).toBe(404);
    const mine = (await save(token, address)).body;
    res = await server.request('POST', '/api/orders', {
      token,
      body: { items: [{ productId: p, quantity: 1 }], addressId: mine.id, shippingAddress: address },
    });
    expect(res.status).toBe(400);
    expect(res.body.data?.field ?? res.body.field).toBeDefined();
    res = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: p, quantity: 1 }], addressId: 0 } });
    expect(res.status).toBe(400);
    expect((await server.request('GET', `/api/orders/me`, { token })).body.total).toBe(0);
  });

  it('makes addressId part of what an Idempotency-Key stands for', async () => {
    const token = await customer();
    const p = await createProduct(db);
    const a = (await save(token, address)).body;
    const b = (await save(token, { ...address, city: 'York' })).body;
    const items = [{ productId: p, quantity: 1 }];
    const first = await server.request('POST', '/api/orders', { token, body: { items, addressId: a.id }, headers: keyHeader('addr-1') });
    const retry = await server.request('POST', '/api/orders', { token, body: { items, addressId: a.id }, headers: keyHeader('addr-1') });
    expect(retry.body.id).toBe(first.body.id);
    const other = await server.request('POST', '/api/orders', { token, body: { items, addressId: b.id }, headers: keyHeader('addr-1') });
    expect(other.status).toBe(409);
    expect(other.body.reason).toBe('idempotency_key_reused');
    const typed = await server.request('POST', '/api/orders', { token, body: { items, shippingAddress: address }, headers: keyHeader('addr-1') });
    expect(typed.status).toBe(409);
  });
});

describe("staff read of a customer's addresses (customers.addresses, tRPC)", () => {
  it('answers the address book to staff, refuses a customer (even for their own), 404s an unknown id', async () => {
    const { token, userId } = await createUserWithToken(server.runtime, 'customer');
    expect((await save(token, { ...address, isDefaultShipping: true })).status).toBe(200);
    const staff = (await createUserWithToken(server.runtime, 'staff')).token;
    const res = await server.request('GET', trpcQuery('customers.addresses', { id: userId }), { token: staff });
    expect(res.status).toBe(200);
    expect(res.body.result.data.items).toEqual(await list(token));
    expect((await server.request('GET', trpcQuery('customers.addresses', { id: userId }), { token })).status).toBe(403);
    expect((await server.request('GET', trpcQuery('customers.addresses', { id: 2_000_000_000 }), { token: staff })).status).toBe(404);
  });
});

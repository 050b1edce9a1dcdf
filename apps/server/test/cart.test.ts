import { insertTestProduct } from '@commerce/core/testing';
import { cartItems, carts } from '@commerce/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { address, createProduct, keyHeader, stockOf, updateProduct } from './orders-helpers';

const emptyCart = {
  items: [],
  subtotalCents: 0,
  discountCents: 0,
  shippingCents: 0,
  taxCents: 0,
  totalCents: 0,
  couponCode: null,
  couponError: null,
  shippingMethod: null,
  shippingAddress: null,
  currency: 'USD',
};

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
});
afterAll(() => server.close());

const customer = async () => (await createUserWithToken(server.runtime, 'customer')).token;

describe('auth', () => {
  it.each([
    ['GET', '/api/cart'],
    ['POST', '/api/cart/items'],
    ['PUT', '/api/cart/items/1'],
    ['DELETE', '/api/cart/items/1'],
    ['DELETE', '/api/cart'],
    ['POST', '/api/cart/checkout'],
  ])('%s %s is 401 without a token', async (method, path) => {
    const res = await server.request(method, path, { body: method === 'POST' || method === 'PUT' ? { productId: 1, quantity: 1 } : undefined });
    expect(res.status).toBe(401);
  });

  it('is 401 with a bogus token', async () => {
    expect((await server.request('GET', '/api/cart', { token: 'x'.repeat(40) })).status).toBe(401);
  });
});

describe('cart lines', () => {
  it('starts empty', async () => {
    const res = await server.request('GET', '/api/cart', { token: await customer() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(emptyCart);
  });

  it('adds to what is there, prices from the catalog at read time, and takes no stock', async () => {
    const token = await customer();
    const a = await createProduct(db, { name: 'Mug', priceCents: 1250, stock: 5 });
    const b = await createProduct(db, { name: 'Pot', priceCents: 300, stock: 5 });
    let res = await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 2, unitPriceCents: 1 } });
    expect(res.status).toBe(200);
    res = await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 1 } });
    res = await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 3 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...emptyCart,
      items: [
        { productId: a, variantId: expect.any(Number), name: 'Mug', variantTitle: 'Default', sku: null, quantity: 5, unitPriceCents: 1250, lineTotalCents: 6250, discountCents: 0, taxCents: 0, available: true, reason: null },
        { productId: b, variantId: expect.any(Number), name: 'Pot', variantTitle: 'Default', sku: null, quantity: 1, unitPriceCents: 300, lineTotalCents: 300, discountCents: 0, taxCents: 0, available: true, reason: null },
      ],
      subtotalCents: 6550,
      totalCents: 6550,
    });
    expect(await stockOf(db, a)).toBe(5);

    await updateProduct(db, a, { priceCents: 1000 });
    res = await server.request('GET', '/api/cart', { token });
    expect(res.body.items[0]).toMatchObject({ unitPriceCents: 1000, lineTotalCents: 5000 });
    expect(res.body.subtotalCents).toBe(5300);
  });

  it('sets a quantity, removes with 0, removes a line, and clears', async () => {
    const token = await customer();
    const a = await createProduct(db);
    const b = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 2 } });
    let res = await server.request('PUT', `/api/cart/items/${a}`, { token, body: { quantity: 7 } });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([expect.objectContaining({ productId: a, quantity: 7 })]);

    // PUT of a product not in the cart adds the line
    res = await server.request('PUT', `/api/cart/items/${b}`, { token, body: { quantity: 1 } });
    expect(res.body.items.map((i: { productId: number }) => i.productId)).toEqual([a, b]);

    res = await server.request('PUT', `/api/cart/items/${a}`, { token, body: { quantity: 0 } });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { productId: number }) => i.productId)).toEqual([b]);

    res = await server.request('DELETE', `/api/cart/items/${b}`, { token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
    // removing what is not there leaves the cart as asked
    expect((await server.request('DELETE', `/api/cart/items/${b}`, { token })).status).toBe(200);

    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 1 } });
    res = await server.request('DELETE', '/api/cart', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(emptyCart);
  });

  it('keeps one cart per user', async () => {
    const [t1, t2] = [await customer(), await customer()];
    const a = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token: t1, body: { productId: a, quantity: 1 } });
    expect((await server.request('GET', '/api/cart', { token: t2 })).body.items).toEqual([]);
    expect((await server.request('GET', '/api/cart', { token: t1 })).body.items).toHaveLength(1);
  });

  it.each([
    ['zero', { quantity: 0 }],
    ['negative', { quantity: -1 }],
    ['fractional', { quantity: 1.5 }],
    ['huge', { quantity: 1e12 }],
    ['over 1000', { quantity: 1001 }],
    ['missing', {}],
    ['not a number', { quantity: 'lots' }],
  ])('refuses a %s quantity on add with 400', async (_label, body) => {
    const token = await customer();
    const a = await createProduct(db);
    const res = await server.request('POST', '/api/cart/items', { token, body: { productId: a, ...body } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  it.each([
    ['negative', -1],
    ['fractional', 2.5],
    ['over 1000', 1001],
  ])('refuses a %s quantity on set with 400', async (_label, quantity) => {
    const token = await customer();
    const a = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    expect((await server.request('PUT', `/api/cart/items/${a}`, { token, body: { quantity } })).status).toBe(400);
  });

  it('is 400 for a malformed productId in a path or body', async () => {
    const token = await customer();
    expect((await server.request('PUT', '/api/cart/items/abc', { token, body: { quantity: 1 } })).status).toBe(400);
    expect((await server.request('DELETE', '/api/cart/items/-2', { token })).status).toBe(400);
    expect((await server.request('POST', '/api/cart/items', { token, body: { productId: 0, quantity: 1 } })).status).toBe(400);
  });

  it('needs an active, non-archived product to add (400 naming productId, unknown and hidden alike)', async () => {
    const token = await customer();
    const inactive = await createProduct(db, { isActive: false });
    const archived = await createProduct(db, { archivedAt: new Date() });
    for (const productId of [999_999, inactive, archived]) {
      const res = await server.request('POST', '/api/cart/items', { token, body: { productId, quantity: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe(`productId ${productId} does not exist or is not for sale`);
      expect(res.body.data).toMatchObject({ field: 'productId', productId });
    }
    // In a path, hidden and unknown products read alike too: both are a 404.
    for (const productId of [999_998, inactive, archived]) {
      const put = await server.request('PUT', `/api/cart/items/${productId}`, { token, body: { quantity: 1 } });
      expect(put.status).toBe(404);
      expect(put.body.message).toBe('Product not found');
    }
    expect((await server.request('GET', '/api/cart', { token })).body.items).toEqual([]);
  });

  it('answers an unknown or hidden product id in a path with 404; removing a line is idempotent', async () => {
    const token = await customer();
    const fine = await createProduct(db);
    const inactive = await createProduct(db, { isActive: false });
    await server.request('POST', '/api/cart/items', { token, body: { productId: fine, quantity: 2 } });
    for (const [method, body] of [
      ['PUT', { quantity: 1 }],
      ['PUT', { quantity: 0 }],
      ['DELETE', undefined],
    ] as const) {
      const res = await server.request(method, '/api/cart/items/987654', { token, body });
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    // `fine` is removed by the first call; each call after that removes nothing and still succeeds.
    for (let i = 0; i < 2; i++) {
      expect((await server.request('DELETE', `/api/cart/items/${fine}`, { token })).status).toBe(200);
    }
    // A hidden product not in the cart is a 404, like an unknown one.
    expect((await server.request('DELETE', `/api/cart/items/${inactive}`, { token })).status).toBe(404);
    expect((await server.request('PUT', `/api/cart/items/${inactive}`, { token, body: { quantity: 0 } })).status).toBe(404);
    // A line whose product was hidden after it was added can still be removed.
    const later = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: later, quantity: 1 } });
    await updateProduct(db, later, { isActive: false });
    expect((await server.request('DELETE', `/api/cart/items/${later}`, { token })).status).toBe(200);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toEqual([]);
    // In a body, an unknown id stays a 400 naming the field.
    const add = await server.request('POST', '/api/cart/items', { token, body: { productId: 987654, quantity: 1 } });
    expect(add.status).toBe(400);
    expect(add.body.data.field).toBe('productId');
  });

  it('caps a line at 1000 units (409) and leaves it as it was', async () => {
    const token = await customer();
    const a = await createProduct(db);
    expect((await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 999 } })).status).toBe(200);
    const res = await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 2 } });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('quantity_limit');
    expect(res.body.message).toMatch(/at most 1000/);
    expect((await server.request('GET', '/api/cart', { token })).body.items[0].quantity).toBe(999);
    expect((await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } })).status).toBe(200);
  });

  it('caps a cart at 100 products (409)', async () => {
    const { token, userId } = await createUserWithToken(server.runtime, 'customer');
    const made = await Promise.all(Array.from({ length: 101 }, () => insertTestProduct(db, { priceCents: 1, stock: 1 })));
    const ids = made.map((p) => p.id);
    const [cart] = await db.insert(carts).values({ userId }).returning({ id: carts.id });
    await db
      .insert(cartItems)
      .values(made.slice(0, 100).map((p) => ({ cartId: cart!.id, productId: p.id, variantId: p.variantIds[0]!, quantity: 1 })));
    const res = await server.request('POST', '/api/cart/items', { token, body: { productId: ids[100], quantity: 1 } });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('cart_full');
    expect(res.body.message).toMatch(/at most 100/);
    // a line already there can still grow
    expect((await server.request('POST', '/api/cart/items', { token, body: { productId: ids[0], quantity: 1 } })).status).toBe(200);
  });

  it('creates the cart row once under concurrent first adds, and sums concurrent adds', async () => {
    const { token, userId } = await createUserWithToken(server.runtime, 'customer');
    const ids = await Promise.all(Array.from({ length: 10 }, () => createProduct(db)));
    const responses = await Promise.all([
      ...ids.map((productId) => server.request('POST', '/api/cart/items', { token, body: { productId, quantity: 1 } })),
      ...Array.from({ length: 10 }, () => server.request('POST', '/api/cart/items', { token, body: { productId: ids[0], quantity: 2 } })),
    ]);
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    expect(await db.query.carts.findMany({ where: (c, { eq }) => eq(c.userId, userId) })).toHaveLength(1);
    const cart = (await server.request('GET', '/api/cart', { token })).body;
    expect(cart.items).toHaveLength(10);
    expect(cart.items.find((i: { productId: number }) => i.productId === ids[0]).quantity).toBe(21);
  });
});

describe('availability', () => {
  it('flags lines whose product went inactive, archived, or short of stock', async () => {
    const token = await customer();
    const inactive = await createProduct(db);
    const archived = await createProduct(db);
    const soldOut = await createProduct(db);
    const short = await createProduct(db, { stock: 3 });
    const fine = await createProduct(db);
    for (const productId of [inactive, archived, soldOut, short, fine]) {
      await server.request('POST', '/api/cart/items', { token, body: { productId, quantity: 4 } });
    }
    await updateProduct(db, inactive, { isActive: false });
    await updateProduct(db, archived, { archivedAt: new Date() });
    await updateProduct(db, soldOut, { stock: 0 });
    const res = await server.request('GET', '/api/cart', { token });
    const flags = Object.fromEntries(
      res.body.items.map((i: { productId: number; available: boolean; reason: string | null }) => [i.productId, [i.available, i.reason]]),
    );
    expect(flags).toEqual({
      [inactive]: [false, 'inactive'],
      [archived]: [false, 'archived'],
      [soldOut]: [false, 'out_of_stock'],
      [short]: [false, 'insufficient_stock'],
      [fine]: [true, null],
    });
  });
});

describe('POST /api/cart/checkout', () => {
  it('turns the cart into a pending order, takes stock, and empties the cart', async () => {
    const { token, userId } = await createUserWithToken(server.runtime, 'customer');
    const a = await createProduct(db, { priceCents: 1999, stock: 5 });
    const b = await createProduct(db, { priceCents: 500, stock: 3 });
    await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 3 } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 2 } });
    const res = await server.request('POST', '/api/cart/checkout', { token, body: { shippingAddress: address } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      userId,
      status: 'pending',
      totalCents: 2 * 1999 + 3 * 500,
      currency: 'USD',
      shippingAddress: address,
    });
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { productId: a, variantId: expect.any(Number), name: expect.any(String), variantTitle: 'Default', sku: null, quantity: 2, unitPriceCents: 1999, lineTotalCents: 3998, discountCents: 0, taxCents: 0 },
        { productId: b, variantId: expect.any(Number), name: expect.any(String), variantTitle: 'Default', sku: null, quantity: 3, unitPriceCents: 500, lineTotalCents: 1500, discountCents: 0, taxCents: 0 },
      ]),
    );
    expect(res.body.events).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'pending', actorUserId: userId })]);
    expect(await stockOf(db, a)).toBe(3);
    expect(await stockOf(db, b)).toBe(0);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toEqual([]);
    expect((await server.request('GET', `/api/orders/${res.body.id}`, { token })).status).toBe(200);
  });

  it('works without a body or address', async () => {
    const token = await customer();
    const a = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const res = await server.request('POST', '/api/cart/checkout', { token });
    expect(res.status).toBe(200);
    expect(res.body.shippingAddress).toBeNull();
  });

  it('refuses an empty cart with 409, before and after first use', async () => {
    const token = await customer();
    let res = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('cart_empty');
    expect(res.body.message).toMatch(/empty/i);
    const a = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    await server.request('DELETE', '/api/cart', { token });
    res = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(res.status).toBe(409);
  });

  it('refuses a cart with an unavailable line (409 naming it), taking nothing and keeping the cart', async () => {
    const token = await customer();
    const fine = await createProduct(db, { stock: 5 });
    const gone = await createProduct(db, { stock: 5 });
    await server.request('POST', '/api/cart/items', { token, body: { productId: fine, quantity: 1 } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: gone, quantity: 1 } });
    await updateProduct(db, gone, { isActive: false });
    const res = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('line_unavailable');
    expect(res.body.data).toMatchObject({ productId: gone });
    expect(res.body.message).toContain(`Product ${gone}`);
    expect(await stockOf(db, fine)).toBe(5);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toHaveLength(2);

    await updateProduct(db, gone, { isActive: true, archivedAt: new Date() });
    expect((await server.request('POST', '/api/cart/checkout', { token, body: {} })).status).toBe(409);
    await server.request('DELETE', `/api/cart/items/${gone}`, { token });
    expect((await server.request('POST', '/api/cart/checkout', { token, body: {} })).status).toBe(200);
  });

  it('refuses a line short of stock (409 naming the product) and changes nothing', async () => {
    const token = await customer();
    const a = await createProduct(db, { stock: 5 });
    const b = await createProduct(db, { stock: 1 });
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 2 } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 2 } });
    const res = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('out_of_stock');
    expect(res.body.data).toMatchObject({ productId: b });
    expect(res.body.message).toContain(`product ${b}`);
    expect(await stockOf(db, a)).toBe(5);
    expect(await stockOf(db, b)).toBe(1);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toHaveLength(2);
  });

  it('is 400 for a bad address or idempotency key', async () => {
    const token = await customer();
    const a = await createProduct(db);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const bad = [{ ...address, country: 'USA' }, { ...address, name: '' }, { line1: 'x' }];
    for (const shippingAddress of bad) {
      expect((await server.request('POST', '/api/cart/checkout', { token, body: { shippingAddress } })).status).toBe(400);
    }
    const res = await server.request('POST', '/api/cart/checkout', { token, body: {}, headers: keyHeader('k'.repeat(256)) });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/Idempotency-Key/);
    expect((await server.request('GET', '/api/cart', { token })).body.items).toHaveLength(1);
  });

  it('answers a retry with the same key with the first order, even after the cart was emptied', async () => {
    const token = await customer();
    const a = await createProduct(db, { stock: 10 });
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 4 } });
    const first = await server.request('POST', '/api/cart/checkout', { token, body: { shippingAddress: address }, headers: keyHeader('checkout-1') });
    expect(first.status).toBe(200);
    const retry = await server.request('POST', '/api/cart/checkout', { token, body: { shippingAddress: address }, headers: keyHeader('checkout-1') });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(await stockOf(db, a)).toBe(6);

    const other = await server.request('POST', '/api/cart/checkout', {
      token,
      body: { shippingAddress: { ...address, city: 'Paris' } },
      headers: keyHeader('checkout-1'),
    });
    expect(other.status).toBe(409);
    expect(other.body.message).toMatch(/different request/);
  });

  it('checks out once under concurrent checkouts, with different keys and with none', async () => {
    for (const keyed of [true, false]) {
      const token = await customer();
      const a = await createProduct(db, { stock: 100 });
      await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 5 } });
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          server.request('POST', '/api/cart/checkout', { token, body: {}, ...(keyed ? { headers: keyHeader(`c-${i}`) } : {}) }),
        ),
      );
      const ok = responses.filter((r) => r.status === 200);
      expect(ok, `keyed: ${keyed}`).toHaveLength(1);
      const refused = responses.filter((r) => r.status === 409);
      expect(refused).toHaveLength(39);
      for (const r of refused) expect(r.body.message).toMatch(/empty/i);
      expect(await stockOf(db, a)).toBe(95);
      const mine = (await server.request('GET', '/api/orders/me', { token })).body;
      expect(mine.total).toBe(1);
      expect(mine.items[0].id).toBe(ok[0]!.body.id);
      expect((await server.request('GET', '/api/cart', { token })).body.items).toEqual([]);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { address, createProduct, keyHeader, updateProduct } from './orders-helpers';

// API.md "Order totals: coupons, shipping, taxes", over HTTP as a storefront and the back
// office speak it.
let server: TestServer;
let db: TestServer['runtime']['deps']['db'];
let staff: string;

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
});
afterAll(() => server.close());

const customer = async () => (await createUserWithToken(server.runtime, 'customer')).token;
let codes = 0;
const uniqueCode = (tag: string) => `${tag}${++codes}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
/** A unique country per test, so shipping methods and tax rates of one test never meet another's. */
let countryIndex = 0;
const freshCountry = () => {
  countryIndex += 1;
  return `Q${String.fromCharCode(65 + (countryIndex % 26))}`;
};

async function coupon(body: Record<string, unknown>) {
  const res = await server.request('POST', '/api/coupons', { token: staff, body: { kind: 'percent', value: 10, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number; code: string; timesUsed: number };
}
async function method(body: Record<string, unknown>) {
  const res = await server.request('POST', '/api/shipping-methods', { token: staff, body: { name: 'Standard', priceCents: 500, minDays: 2, maxDays: 5, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number };
}
async function taxRate(body: Record<string, unknown>) {
  const res = await server.request('POST', '/api/tax-rates', { token: staff, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { id: number };
}
const couponUse = async (id: number) =>
  ((await server.request('GET', '/api/coupons', { token: staff })).body.items as { id: number; timesUsed: number }[]).find((c) => c.id === id)!.timesUsed;

describe('coupons (staff)', () => {
  it('creates, lists, changes and deletes; codes are unique whatever their case', async () => {
    const code = uniqueCode('crud');
    const created = await coupon({ code: code.toLowerCase(), kind: 'fixed', value: 500, minSubtotalCents: 1000, usageLimit: 3 });
    expect(created).toMatchObject({ code, kind: 'fixed', value: 500, minSubtotalCents: 1000, usageLimit: 3, perCustomerLimit: null, productIds: [], categoryIds: [], isActive: true, timesUsed: 0 });
    const again = await server.request('POST', '/api/coupons', { token: staff, body: { code, kind: 'percent', value: 5 } });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('coupon_code_taken');
    const other = await coupon({ code: uniqueCode('other') });
    const clash = await server.request('PUT', `/api/coupons/${other.id}`, { token: staff, body: { code: code.toLowerCase() } });
    expect(clash.status).toBe(409);

    const changed = await server.request('PUT', `/api/coupons/${created.id}`, { token: staff, body: { isActive: false, minSubtotalCents: null } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ isActive: false, minSubtotalCents: null, value: 500 });
    const list = await server.request('GET', '/api/coupons', { token: staff });
    expect(list.body.items.map((c: { code: string }) => c.code)).toContain(code);

    expect((await server.request('DELETE', `/api/coupons/${created.id}`, { token: staff })).status).toBe(200);
    expect((await server.request('DELETE', `/api/coupons/${created.id}`, { token: staff })).status).toBe(404);
    expect((await server.request('PUT', `/api/coupons/${created.id}`, { token: staff, body: { value: 1 } })).status).toBe(404);
  });

  it('refuses what cannot be a coupon (400)', async () => {
    const bad = [
      { code: uniqueCode('p'), kind: 'percent', value: 101 },
      { code: 'a b', kind: 'fixed', value: 100 },
      { code: uniqueCode('z'), kind: 'fixed', value: 0 },
      { code: uniqueCode('w'), kind: 'fixed', value: 100, startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
      { code: uniqueCode('l'), kind: 'fixed', value: 100, usageLimit: 0 },
    ];
    for (const body of bad) expect((await server.request('POST', '/api/coupons', { token: staff, body })).status, JSON.stringify(body)).toBe(400);
    const fixed = await coupon({ code: uniqueCode('fx'), kind: 'fixed', value: 5000 });
    expect((await server.request('PUT', `/api/coupons/${fixed.id}`, { token: staff, body: { kind: 'percent' } })).status).toBe(400);
    expect((await server.request('GET', '/api/coupons', { token: await customer() })).status).toBe(403);
  });
});

describe('shipping methods and tax rates (staff)', () => {
  it('lists methods by country to anyone, cheapest first; staff change and delete them', async () => {
    const country = freshCountry();
    const express = await method({ name: 'Express', priceCents: 1500, countries: [country, 'US'], minDays: 1, maxDays: 1 });
    const standard = await method({ name: 'Standard', priceCents: 500, freeOverCents: 5000, countries: [country] });
    const res = await server.request('GET', `/api/shipping-methods?country=${country}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: standard.id, name: 'Standard', priceCents: 500, freeOverCents: 5000, countries: [country], minDays: 2, maxDays: 5 },
      { id: express.id, name: 'Express', priceCents: 1500, freeOverCents: null, countries: [country, 'US'], minDays: 1, maxDays: 1 },
    ]);
    expect((await server.request('GET', '/api/shipping-methods?country=gb')).status).toBe(400);
    const changed = await server.request('PUT', `/api/shipping-methods/${express.id}`, { token: staff, body: { priceCents: 1200, minDays: 3 } });
    expect(changed.status).toBe(400); // minDays past maxDays
    expect((await server.request('PUT', `/api/shipping-methods/${express.id}`, { token: staff, body: { priceCents: 1200 } })).body.priceCents).toBe(1200);
    expect((await server.request('POST', '/api/shipping-methods', { token: staff, body: { name: 'X', priceCents: 1, countries: [], minDays: 1, maxDays: 1 } })).status).toBe(400);
    expect((await server.request('DELETE', `/api/shipping-methods/${express.id}`, { token: staff })).status).toBe(200);
    expect((await server.request('GET', `/api/shipping-methods?country=${country}`)).body.items).toHaveLength(1);
    expect((await server.request('POST', '/api/shipping-methods', { token: await customer(), body: { name: 'X', priceCents: 1, countries: ['US'], minDays: 1, maxDays: 1 } })).status).toBe(403);
  });

  it('keeps one rate per country and region (regions case-insensitive)', async () => {
    const country = freshCountry();
    const rate = await taxRate({ country, ratePercent: 8.875 });
    expect((await server.request('GET', '/api/tax-rates', { token: staff })).body.items).toContainEqual({ id: rate.id, country, region: null, ratePercent: 8.875, includesShipping: false });
    const dup = await server.request('POST', '/api/tax-rates', { token: staff, body: { country, ratePercent: 5 } });
    expect(dup.status).toBe(409);
    expect(dup.body.reason).toBe('tax_rate_taken');
    await taxRate({ country, region: 'Ontario', ratePercent: 13 });
    expect((await server.request('POST', '/api/tax-rates', { token: staff, body: { country, region: 'ONTARIO', ratePercent: 5 } })).status).toBe(409);
    expect((await server.request('POST', '/api/tax-rates', { token: staff, body: { country, ratePercent: 1.0001 } })).status).toBe(400);
    expect((await server.request('POST', '/api/tax-rates', { token: staff, body: { country, ratePercent: 101 } })).status).toBe(400);
    expect((await server.request('PUT', `/api/tax-rates/${rate.id}`, { token: staff, body: { ratePercent: 7, includesShipping: true } })).body).toMatchObject({ ratePercent: 7, includesShipping: true });
    expect((await server.request('DELETE', `/api/tax-rates/${rate.id}`, { token: staff })).status).toBe(200);
    expect((await server.request('DELETE', `/api/tax-rates/${rate.id}`, { token: staff })).status).toBe(404);
  });
});

describe('the cart and checkout', () => {
  it('previews the full total once coupon and delivery are set, and the order charges exactly that', async () => {
    const country = freshCountry();
    const token = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 10 });
    const b = await createProduct(db, { priceCents: 2000, stock: 10 });
    const ship = await method({ name: 'Post', priceCents: 700, countries: [country] });
    await taxRate({ country, ratePercent: 10, includesShipping: true });
    await taxRate({ country, region: 'North', ratePercent: 20 });
    const code = uniqueCode('save');
    await coupon({ code, kind: 'fixed', value: 1000 });

    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 1 } });
    let cart = await server.request('PUT', '/api/cart/coupon', { token, body: { code: code.toLowerCase() } });
    expect(cart.status).toBe(200);
    expect(cart.body).toMatchObject({ subtotalCents: 3000, discountCents: 1000, shippingCents: 0, taxCents: 0, totalCents: 2000, couponCode: code, couponError: null });

    const destination = { ...address, country };
    const noMethod = await server.request('PUT', '/api/cart/delivery', { token, body: { shippingAddress: destination, shippingMethodId: ship.id + 1000 } });
    expect(noMethod.status).toBe(400);
    expect(noMethod.body.reason).toBe('shipping_method_unavailable');
    cart = await server.request('PUT', '/api/cart/delivery', { token, body: { shippingAddress: destination, shippingMethodId: ship.id } });
    expect(cart.status).toBe(200);
    // Lines 1000 and 2000 share the 1000 discount as 333/667; tax 10 % of 667 → 67 and of 1333 → 133, shipping 700 taxed 70.
    expect(cart.body).toMatchObject({
      subtotalCents: 3000,
      discountCents: 1000,
      shippingCents: 700,
      taxCents: 270,
      totalCents: 2970,
      shippingMethod: { id: ship.id, name: 'Post', minDays: 2, maxDays: 5 },
      shippingAddress: destination,
    });
    expect(cart.body.items.map((i: { discountCents: number; taxCents: number }) => [i.discountCents, i.taxCents])).toEqual([
      [333, 67],
      [667, 133],
    ]);

    const placed = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    const totals = ['subtotalCents', 'discountCents', 'shippingCents', 'taxCents', 'totalCents', 'couponCode', 'shippingMethod', 'shippingAddress'];
    for (const field of totals) expect(placed.body[field], field).toEqual(cart.body[field]);
    expect(placed.body.items.map((i: { discountCents: number; taxCents: number }) => [i.discountCents, i.taxCents])).toEqual([
      [333, 67],
      [667, 133],
    ]);
    // The coupon was used; the destination stays for the next order.
    const after = await server.request('GET', '/api/cart', { token });
    expect(after.body).toMatchObject({ items: [], couponCode: null, shippingAddress: destination });

    // The region's rate wins over the country's (and leaves shipping untaxed, as it says).
    const north = await server.request('POST', '/api/orders', {
      token,
      body: { items: [{ productId: a, quantity: 1 }], shippingAddress: { ...destination, region: 'north' }, shippingMethodId: ship.id },
    });
    expect(north.body).toMatchObject({ subtotalCents: 1000, shippingCents: 700, taxCents: 200, totalCents: 1900 });
  });

  it('requires a shipping method where methods ship, and refuses one that does not ship there', async () => {
    const country = freshCountry();
    const token = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 10 });
    const ship = await method({ countries: [country], freeOverCents: 2000 });
    const other = await method({ countries: [freshCountry()] });
    const place = (body: Record<string, unknown>) =>
      server.request('POST', '/api/orders', { token, body: { items: [{ productId: a, quantity: 1 }], shippingAddress: { ...address, country }, ...body } });
    const missing = await place({});
    expect(missing.status).toBe(400);
    expect(missing.body.reason).toBe('shipping_method_required');
    const wrong = await place({ shippingMethodId: other.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.reason).toBe('shipping_method_unavailable');
    expect((await place({ shippingMethodId: 999_999 })).status).toBe(400);
    const ok = await place({ shippingMethodId: ship.id });
    expect(ok.body).toMatchObject({ shippingCents: 500, totalCents: 1500 });
    // Free once the goods reach freeOverCents.
    const free = await server.request('POST', '/api/orders', {
      token,
      body: { items: [{ productId: a, quantity: 2 }], shippingAddress: { ...address, country }, shippingMethodId: ship.id },
    });
    expect(free.body).toMatchObject({ shippingCents: 0, totalCents: 2000 });
    // Checkout too, with the cart's stored destination and no method.
    await server.request('PUT', '/api/cart/delivery', { token, body: { shippingAddress: { ...address, country } } });
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const checkout = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(checkout.status).toBe(400);
    expect(checkout.body.reason).toBe('shipping_method_required');
    expect((await server.request('POST', '/api/cart/checkout', { token, body: { shippingMethodId: ship.id } })).status).toBe(200);
    // A method without an address to ship to is a 400.
    expect((await server.request('POST', '/api/orders', { token, body: { items: [{ productId: a, quantity: 1 }], shippingMethodId: ship.id } })).status).toBe(400);
  });

  it('answers 400 coupon_invalid for unknown, inactive, expired, not yet valid, under-minimum and inapplicable codes', async () => {
    const token = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 10 });
    const b = await createProduct(db, { priceCents: 1000, stock: 10 });
    const category = await server.request('POST', '/api/categories', { token: staff, body: { name: `Cat ${uniqueCode('c')}` } });
    await db.execute(`update products set category_id = ${Number(category.body.id)} where id = ${Number(b)}`);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const codes = [
      uniqueCode('nope'),
      (await coupon({ code: uniqueCode('off'), isActive: false })).code,
      (await coupon({ code: uniqueCode('old'), endsAt: '2020-01-01T00:00:00Z' })).code,
      (await coupon({ code: uniqueCode('new'), startsAt: '2099-01-01T00:00:00Z' })).code,
      (await coupon({ code: uniqueCode('min'), minSubtotalCents: 5000 })).code,
      (await coupon({ code: uniqueCode('prod'), productIds: [b] })).code,
      (await coupon({ code: uniqueCode('cat'), categoryIds: [Number(category.body.id)] })).code,
    ];
    for (const code of codes) {
      const res = await server.request('PUT', '/api/cart/coupon', { token, body: { code } });
      expect(res.status, code).toBe(400);
      expect(res.body.reason, code).toBe('coupon_invalid');
      const order = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: a, quantity: 1 }], couponCode: code } });
      expect(order.status, code).toBe(400);
      expect(order.body.reason).toBe('coupon_invalid');
    }
    // Restricted to a category: applies to its lines only.
    const catCode = codes[6]!;
    await server.request('POST', '/api/cart/items', { token, body: { productId: b, quantity: 1 } });
    const cart = await server.request('PUT', '/api/cart/coupon', { token, body: { code: catCode } });
    expect(cart.body).toMatchObject({ subtotalCents: 2000, discountCents: 100, totalCents: 1900 });
    // A cart whose coupon stops applying says why, and checkout refuses it.
    await server.request('DELETE', `/api/cart/items/${b}`, { token });
    const stale = await server.request('GET', '/api/cart', { token });
    expect(stale.body).toMatchObject({ couponCode: catCode, discountCents: 0, couponError: expect.stringContaining('applies to nothing') });
    expect((await server.request('POST', '/api/cart/checkout', { token, body: {} })).body.reason).toBe('coupon_invalid');
    const removed = await server.request('DELETE', '/api/cart/coupon', { token });
    expect(removed.body).toMatchObject({ couponCode: null, couponError: null });
    expect((await server.request('PUT', '/api/cart/coupon', { token, body: { code: 'x' } })).status).toBe(400);
  });

  it('holds per-customer and total limits, and gives a use back when an unpaid order is cancelled', async () => {
    const [ann, bob] = [await customer(), await customer()];
    const a = await createProduct(db, { priceCents: 1000, stock: 50 });
    const limited = await coupon({ code: uniqueCode('lim'), usageLimit: 2, perCustomerLimit: 1 });
    const place = (token: string) => server.request('POST', '/api/orders', { token, body: { items: [{ productId: a, quantity: 1 }], couponCode: limited.code } });
    const first = await place(ann);
    expect(first.body).toMatchObject({ couponCode: limited.code, discountCents: 100, totalCents: 900 });
    const twice = await place(ann);
    expect(twice.status).toBe(409);
    expect(twice.body.reason).toBe('coupon_exhausted');
    expect((await place(bob)).status).toBe(200);
    expect(await couponUse(limited.id)).toBe(2);
    const third = await place(await customer());
    expect(third.body.reason).toBe('coupon_exhausted');
    const carl = await customer();
    await server.request('POST', '/api/cart/items', { token: carl, body: { productId: a, quantity: 1 } });
    const setting = await server.request('PUT', '/api/cart/coupon', { token: carl, body: { code: limited.code } });
    expect(setting.status).toBe(409);

    expect((await server.request('POST', `/api/orders/${first.body.id}/cancel`, { token: ann })).status).toBe(200);
    expect(await couponUse(limited.id)).toBe(1);
    expect((await place(ann)).status).toBe(200);
  });

  it('lists the orders that carry a coupon, newest first; a cancelled unpaid order leaves the list', async () => {
    const [ann, bob] = [await customer(), await customer()];
    const a = await createProduct(db, { priceCents: 2000, stock: 50 });
    const used = await coupon({ code: uniqueCode('used'), value: 25 });
    const place = (token: string) => server.request('POST', '/api/orders', { token, body: { items: [{ productId: a, quantity: 1 }], couponCode: used.code } });
    const first = (await place(ann)).body as { id: number };
    const second = (await place(bob)).body as { id: number };
    const list = await server.request('GET', `/api/coupons/${used.id}/redemptions`, { token: staff });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, limit: 10, total: 2, totalPages: 1 });
    expect(list.body.items.map((r: { orderId: number }) => r.orderId)).toEqual([second.id, first.id]);
    expect(list.body.items[0]).toMatchObject({ status: 'pending', discountCents: 500, totalCents: 1500, currency: 'USD', customer: { id: expect.any(Number), email: expect.any(String) } });
    expect(Date.parse(list.body.items[0].redeemedAt)).not.toBeNaN();
    const paged = await server.request('GET', `/api/coupons/${used.id}/redemptions?page=2&limit=1`, { token: staff });
    expect(paged.body).toMatchObject({ total: 2, totalPages: 2, items: [{ orderId: first.id }] });

    expect((await server.request('POST', `/api/orders/${first.id}/cancel`, { token: ann })).status).toBe(200);
    const after = await server.request('GET', `/api/coupons/${used.id}/redemptions`, { token: staff });
    expect(after.body.items.map((r: { orderId: number }) => r.orderId)).toEqual([second.id]);

    expect((await server.request('GET', '/api/coupons/2147483647/redemptions', { token: staff })).status).toBe(404);
    expect((await server.request('GET', `/api/coupons/${used.id}/redemptions?limit=51`, { token: staff })).status).toBe(400);
    expect((await server.request('GET', `/api/coupons/${used.id}/redemptions?page=0`, { token: staff })).status).toBe(400);
    expect((await server.request('GET', '/api/coupons/abc/redemptions', { token: staff })).status).toBe(400);
    expect((await server.request('GET', `/api/coupons/${used.id}/redemptions`, { token: ann })).status).toBe(403);
    expect((await server.request('GET', `/api/coupons/${used.id}/redemptions`)).status).toBe(401);
  });

  it('keeps what an order was charged whatever changes later, and records its shipment', async () => {
    const country = freshCountry();
    const token = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 10 });
    const ship = await method({ countries: [country], priceCents: 400 });
    const rate = await taxRate({ country, ratePercent: 5 });
    const c = await coupon({ code: uniqueCode('keep'), value: 50 });
    const placed = await server.request('POST', '/api/orders', {
      token,
      body: { items: [{ productId: a, quantity: 2 }], shippingAddress: { ...address, country }, shippingMethodId: ship.id, couponCode: c.code },
    });
    expect(placed.body).toMatchObject({ subtotalCents: 2000, discountCents: 1000, shippingCents: 400, taxCents: 50, totalCents: 1450 });
    await updateProduct(db, a, { priceCents: 9999 });
    await server.request('PUT', `/api/tax-rates/${rate.id}`, { token: staff, body: { ratePercent: 50 } });
    await server.request('PUT', `/api/shipping-methods/${ship.id}`, { token: staff, body: { priceCents: 9000, name: 'Renamed' } });
    await server.request('DELETE', `/api/coupons/${c.id}`, { token: staff });
    const read = await server.request('GET', `/api/orders/${placed.body.id}`, { token });
    for (const field of ['subtotalCents', 'discountCents', 'shippingCents', 'taxCents', 'totalCents', 'couponCode', 'shippingMethod', 'items']) {
      expect(read.body[field], field).toEqual(placed.body[field]);
    }

    expect((await server.request('PUT', `/api/orders/${placed.body.id}/status`, { token: staff, body: { status: 'paid', carrier: 'DHL' } })).status).toBe(400);
    await server.request('PUT', `/api/orders/${placed.body.id}/status`, { token: staff, body: { status: 'paid' } });
    const shipped = await server.request('PUT', `/api/orders/${placed.body.id}/status`, {
      token: staff,
      body: { status: 'shipped', carrier: 'DHL', trackingNumber: 'JD0123' },
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.shipment).toEqual({ carrier: 'DHL', trackingNumber: 'JD0123', shippedAt: expect.any(String) });
    expect((await server.request('GET', `/api/orders/${placed.body.id}`, { token })).body.shipment).toMatchObject({ carrier: 'DHL' });
    expect(read.body.shipment).toBeNull();
  });
});

describe('PUT /api/cart/delivery with a saved address', () => {
  it('copies the address book entry onto the cart, prices with it, and refuses a stranger\'s, both kinds or neither', async () => {
    const country = freshCountry();
    const [token, stranger] = [await customer(), await customer()];
    const a = await createProduct(db, { priceCents: 1000, stock: 10 });
    const ship = await method({ countries: [country], priceCents: 300 });
    await taxRate({ country, ratePercent: 10 });
    const saved = await server.request('POST', '/api/addresses', { token, body: { ...address, country } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const cart = await server.request('PUT', '/api/cart/delivery', { token, body: { addressId: saved.body.id, shippingMethodId: ship.id } });
    expect(cart.status, JSON.stringify(cart.body)).toBe(200);
    expect(cart.body).toMatchObject({ shippingAddress: { ...address, country }, shippingCents: 300, taxCents: 100, totalCents: 1400 });
    expect((await server.request('PUT', '/api/cart/delivery', { token: stranger, body: { addressId: saved.body.id } })).status).toBe(404);
    expect((await server.request('PUT', '/api/cart/delivery', { token, body: { addressId: saved.body.id, shippingAddress: address } })).status).toBe(400);
    expect((await server.request('PUT', '/api/cart/delivery', { token, body: {} })).status).toBe(400);
    const placed = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(placed.body).toMatchObject({ shippingAddress: { ...address, country }, totalCents: 1400 });
  });
});

describe('idempotency with totals', () => {
  it('treats another coupon, shipping method or address under the same key as a different request (409)', async () => {
    const country = freshCountry();
    const token = await customer();
    const a = await createProduct(db, { priceCents: 1000, stock: 20 });
    const [m1, m2] = [await method({ countries: [country] }), await method({ countries: [country], priceCents: 900 })];
    const [c1, c2] = [await coupon({ code: uniqueCode('ida') }), await coupon({ code: uniqueCode('idb') })];
    const body = { items: [{ productId: a, quantity: 1 }], shippingAddress: { ...address, country }, shippingMethodId: m1.id, couponCode: c1.code };
    const headers = keyHeader(`totals-${Math.random()}`);
    const first = await server.request('POST', '/api/orders', { token, body, headers });
    expect(first.status).toBe(200);
    // The same request, the code in another case: the same order.
    const replay = await server.request('POST', '/api/orders', { token, body: { ...body, couponCode: c1.code.toLowerCase() }, headers });
    expect(replay.body.id).toBe(first.body.id);
    for (const changed of [
      { ...body, couponCode: c2.code },
      { ...body, couponCode: undefined },
      { ...body, shippingMethodId: m2.id },
      { ...body, shippingAddress: { ...body.shippingAddress, line1: '13 Analytical Row' } },
    ]) {
      const res = await server.request('POST', '/api/orders', { token, body: changed, headers });
      expect(res.status, JSON.stringify(changed)).toBe(409);
      expect(res.body.reason).toBe('idempotency_key_reused');
    }
    expect(await couponUse(c1.id)).toBe(1);

    // Checkout: its body is the request too.
    await server.request('POST', '/api/cart/items', { token, body: { productId: a, quantity: 1 } });
    const checkoutKey = keyHeader(`checkout-${Math.random()}`);
    const checkoutBody = { shippingAddress: { ...address, country }, shippingMethodId: m1.id };
    expect((await server.request('POST', '/api/cart/checkout', { token, body: checkoutBody, headers: checkoutKey })).status).toBe(200);
    const again = await server.request('POST', '/api/cart/checkout', { token, body: { ...checkoutBody, shippingMethodId: m2.id }, headers: checkoutKey });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('idempotency_key_reused');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct, stockOf } from './orders-helpers';

// A customer cannot hold a product's stock hostage with unpaid orders (issue #13, item 2).
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ PENDING_ORDERS_PER_CUSTOMER: '2', PENDING_UNITS_PER_CUSTOMER: '10' });
});
afterAll(() => server.close());

const db = () => server.runtime.deps.db;
const order = (token: string, productId: number, quantity: number) =>
  server.request('POST', '/api/orders', { token, body: { items: [{ productId, quantity }] } });

describe('caps on a customer’s unpaid orders', () => {
  it('refuses a third pending order (409) until one is paid or cancelled', async () => {
    const { token } = await createUserWithToken(server.runtime, 'customer');
    const p = await createProduct(db(), { stock: 100 });
    const first = await order(token, p, 1);
    expect((await order(token, p, 1)).status).toBe(200);
    const third = await order(token, p, 1);
    expect([third.status, third.body.reason]).toEqual([409, 'pending_order_limit']);
    expect(third.body.message).toMatch(/2 unpaid orders/);
    expect(await stockOf(db(), p)).toBe(98);
    expect((await server.request('POST', `/api/orders/${first.body.id}/cancel`, { token })).status).toBe(200);
    expect((await order(token, p, 1)).status).toBe(200);
    // Checkout is held to the same cap.
    await server.request('POST', '/api/cart/items', { token, body: { productId: p, quantity: 1 } });
    const checkout = await server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect([checkout.status, checkout.body.reason]).toEqual([409, 'pending_order_limit']);
  });

  it('refuses units beyond the cap, counting what pending orders hold, for each customer alone', async () => {
    const { token } = await createUserWithToken(server.runtime, 'customer');
    const other = await createUserWithToken(server.runtime, 'customer');
    const p = await createProduct(db(), { stock: 100 });
    expect((await order(token, p, 7)).status).toBe(200);
    const over = await order(token, p, 4);
    expect([over.status, over.body.reason]).toEqual([409, 'pending_order_limit']);
    expect(over.body.message).toMatch(/at most 10 units/);
    expect((await order(token, p, 3)).status).toBe(200);
    expect((await order(other.token, p, 10)).status).toBe(200);
  });

  it('holds under concurrency: 20 simultaneous orders by one customer leave exactly 2 pending', async () => {
    const { token } = await createUserWithToken(server.runtime, 'customer');
    const p = await createProduct(db(), { stock: 100 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => order(token, p, 1)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(2);
    expect(responses.filter((r) => r.status === 409 && r.body.reason === 'pending_order_limit')).toHaveLength(18);
    expect(await stockOf(db(), p)).toBe(98);
  });

  it('does not hold staff to it', async () => {
    const { token } = await createUserWithToken(server.runtime, 'staff');
    const p = await createProduct(db(), { stock: 100 });
    for (let i = 0; i < 3; i++) expect((await order(token, p, 5)).status).toBe(200);
  });
});

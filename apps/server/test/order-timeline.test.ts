import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trpcQuery } from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { address, createProduct } from './orders-helpers';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const STAFF_NOTE = 'Customer sounded angry on the phone; check the address twice';

/** A customer's order moved to paid and then shipped by staff, with an internal note. */
async function orderWithStaffNote() {
  const customer = await createUserWithToken(server.runtime, 'customer');
  const staff = await createUserWithToken(server.runtime, 'staff');
  const productId = await createProduct(server.runtime.deps.db, { stock: 5 });
  const placed = await server.request('POST', '/api/orders', {
    token: customer.token,
    body: { items: [{ productId, quantity: 1 }], shippingAddress: address },
  });
  expect(placed.status).toBe(200);
  const id = placed.body.id as number;
  for (const status of ['paid', 'shipped']) {
    const res = await server.request('PUT', `/api/orders/${id}/status`, {
      token: staff.token,
      body: { status, note: STAFF_NOTE },
    });
    expect(res.status).toBe(200);
  }
  return { id, customer, staff };
}

describe("a customer's view of the order timeline", () => {
  it('shows every status change and when, without staff notes or staff user ids (REST and tRPC)', async () => {
    const { id, customer, staff } = await orderWithStaffNote();
    const rest = await server.request('GET', `/api/orders/${id}`, { token: customer.token });
    const trpc = await server.request('GET', trpcQuery('orders.byId', { id }), { token: customer.token });
    for (const order of [rest.body, trpc.body.result.data]) {
      expect(order.events).toEqual([
        { fromStatus: null, toStatus: 'pending', actorUserId: customer.userId, actorKind: 'customer', note: null, createdAt: expect.any(String) },
        { fromStatus: 'pending', toStatus: 'paid', actorUserId: null, actorKind: 'staff', note: null, createdAt: expect.any(String) },
        { fromStatus: 'paid', toStatus: 'shipped', actorUserId: null, actorKind: 'staff', note: null, createdAt: expect.any(String) },
      ]);
      expect(JSON.stringify(order)).not.toContain(STAFF_NOTE);
      expect(JSON.stringify(order.events)).not.toContain(`"actorUserId":${staff.userId}`);
    }
  });

  it('keeps notes and staff ids for staff and admins', async () => {
    const { id, staff } = await orderWithStaffNote();
    const admin = await createUserWithToken(server.runtime, 'admin');
    for (const token of [staff.token, admin.token]) {
      const res = await server.request('GET', `/api/orders/${id}`, { token });
      expect(res.body.events.slice(1)).toEqual([
        expect.objectContaining({ toStatus: 'paid', actorUserId: staff.userId, note: STAFF_NOTE }),
        expect.objectContaining({ toStatus: 'shipped', actorUserId: staff.userId, note: STAFF_NOTE }),
      ]);
    }
  });
});

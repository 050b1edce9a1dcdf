import { addresses, carts, orders, reviews, users, wishlistItems } from '@commerce/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime } from '../src/deps';
import { PASSWORD, trpcQuery, uniqueEmail } from './auth-helpers';
import { createUserWithToken, expectTooMany, injectRequest, startTestServer, type TestServer } from './helpers';
import { address, createProduct } from './orders-helpers';

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
});
afterAll(() => server.close());

async function register(on = server, email = uniqueEmail('acct')) {
  const res = await on.request('POST', '/api/auth/register', { body: { email, password: PASSWORD, name: 'Grace Hopper' } });
  expect(res.status).toBe(200);
  return { email, token: res.body.token as string, userId: res.body.user.id as number };
}
const login = (email: string, password = PASSWORD, on = server) => on.request('POST', '/api/auth/login', { body: { email, password } });
const me = (token: string, on = server) => on.request('GET', '/api/auth/me', { token });
const setRole = (userId: number, role: 'admin' | 'staff' | 'customer') =>
  db.execute(`update users set role = '${role}' where id = ${Number(userId)}`);

describe('PUT /api/auth/me', () => {
  it('changes the name; blank or null clears it; bounded', async () => {
    const { email, token } = await register();
    // Another session of the user, resolved (and cached, name and all) before the change.
    const other = (await login(email)).body.token as string;
    expect((await me(other)).body.name).toBe('Grace Hopper');
    let res = await server.request('PUT', '/api/auth/me', { token, body: { name: '  Ada  ' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ada', role: 'customer' });
    expect(res.body).not.toHaveProperty('passwordHash');
    expect((await me(token)).body.name).toBe('Ada');
    expect((await me(other)).body.name).toBe('Ada');
    res = await server.request('PUT', '/api/auth/me', { token, body: { name: '' } });
    expect(res.body.name).toBeNull();
    res = await server.request('PUT', '/api/auth/me', { token, body: { name: 'Ada', role: 'admin', email: 'x@example.test' } });
    expect(res.body).toMatchObject({ name: 'Ada', role: 'customer' });
    expect((await server.request('PUT', '/api/auth/me', { token, body: { name: 'x'.repeat(101) } })).status).toBe(400);
    expect((await server.request('PUT', '/api/auth/me', { token, body: {} })).status).toBe(400);
    expect((await server.request('PUT', '/api/auth/me', { body: { name: 'x' } })).status).toBe(401);
  });
});

describe('POST /api/auth/password', () => {
  it('changes the password (argon2id): the old one stops working, the new one signs in', async () => {
    const { email, token, userId } = await register();
    const res = await server.request('POST', '/api/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect((await login(email)).status).toBe(401);
    expect((await login(email, 'a brand new secret')).status).toBe(200);
    const [row] = await db.select({ hash: users.passwordHash }).from(users).where((await import('drizzle-orm')).eq(users.id, userId));
    expect(row!.hash).toMatch(/^\$argon2id\$/);
    // The session that made the change stays.
    expect((await me(token)).status).toBe(200);
  });

  it('is a 401 with a wrong current password and a 400 for a new one breaking the registration rules', async () => {
    const { email, token } = await register();
    let res = await server.request('POST', '/api/auth/password', { token, body: { currentPassword: 'not the password', newPassword: 'a brand new secret' } });
    expect(res.status).toBe(401);
    // A wrong current password revokes nothing.
    expect((await me(token)).status).toBe(200);
    for (const newPassword of ['short', 'x'.repeat(129), '\ud800abcdefgh']) {
      res = await server.request('POST', '/api/auth/password', { token, body: { currentPassword: PASSWORD, newPassword } });
      expect(res.status, newPassword).toBe(400);
    }
    expect((await server.request('POST', '/api/auth/password', { token, body: { newPassword: 'a brand new secret' } })).status).toBe(400);
    expect((await server.request('POST', '/api/auth/password', { body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } })).status).toBe(401);
    expect((await login(email)).status).toBe(200);
  });

  it('revokes every other session at once, on a second server process sharing the database and Redis, even while cached', async () => {
    // A second app of its own runtime on the same database and Redis key space: another process's view.
    const config = loadConfig(server.env);
    const runtime = await createRuntime(config);
    const second = await buildServer({ config, runtime });
    await second.ready();
    try {
      const { email, token } = await register();
      const others = await Promise.all([1, 2, 3].map(async () => (await login(email)).body.token as string));
      // Every token is validated, and so cached, on both processes.
      for (const other of [token, ...others]) {
        expect((await me(other)).status).toBe(200);
        expect((await injectRequest(second, 'GET', '/api/auth/me', { token: other })).status).toBe(200);
      }
      const res = await server.request('POST', '/api/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } });
      expect(res.status).toBe(200);
      for (const other of others) {
        expect((await me(other)).status).toBe(401);
        expect((await injectRequest(second, 'GET', '/api/auth/me', { token: other })).status).toBe(401);
      }
      expect((await injectRequest(second, 'GET', '/api/auth/me', { token })).status).toBe(200);
    } finally {
      await second.close();
      await runtime.close();
    }
  });

  it('limits password attempts per user (429 with Retry-After), right or wrong, and not other users', async () => {
    const limited = await startTestServer({ RATE_LIMIT_PASSWORD_CHANGES_PER_USER: '2' });
    try {
      const { token } = await register(limited);
      const other = await register(limited);
      const wrong = { currentPassword: 'not the password', newPassword: 'a brand new secret' };
      expect((await limited.request('POST', '/api/auth/password', { token, body: wrong })).status).toBe(401);
      expect((await limited.request('POST', '/api/auth/password', { token, body: wrong })).status).toBe(401);
      const res = await limited.request('POST', '/api/auth/password', { token, body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' } });
      expectTooMany(res, 15 * 60);
      // Closing the account counts against the same limit.
      expectTooMany(await limited.request('DELETE', '/api/auth/me', { token, body: { password: PASSWORD } }), 15 * 60);
      expect((await limited.request('POST', '/api/auth/password', { token: other.token, body: wrong })).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

describe('DELETE /api/auth/me', () => {
  it('is a 401 with a wrong or missing password, and changes nothing', async () => {
    const { email, token } = await register();
    expect((await server.request('DELETE', '/api/auth/me', { token, body: { password: 'not the password' } })).status).toBe(401);
    expect((await server.request('DELETE', '/api/auth/me', { token, body: {} })).status).toBe(400);
    // No body at all: no JSON content type, as for any route taking a body.
    expect((await server.request('DELETE', '/api/auth/me', { token })).status).toBe(415);
    expect((await server.request('DELETE', '/api/auth/me', { body: { password: PASSWORD } })).status).toBe(401);
    expect((await me(token)).status).toBe(200);
    expect((await login(email)).status).toBe(200);
  });

  it('closes the account: sessions revoked, personal data erased, orders and reviews kept without it, the email free again', async () => {
    const { eq } = await import('drizzle-orm');
    const { email, token, userId } = await register();
    const second = (await login(email)).body.token as string;
    const staff = (await createUserWithToken(server.runtime, 'staff')).token;
    const p = await createProduct(db);
    await server.request('POST', '/api/addresses', { token, body: address });
    await server.request('PUT', `/api/wishlist/items/${p}`, { token });
    const order = await server.request('POST', '/api/orders', { token, body: { items: [{ productId: p, quantity: 1 }], shippingAddress: address } });
    expect(order.status).toBe(200);
    await server.request('POST', '/api/cart/items', { token, body: { productId: p, quantity: 2 } });
    const review = await server.request('POST', `/api/products/${p}/reviews`, { token, body: { rating: 4, body: 'Solid.' } });
    await server.request('PUT', `/api/reviews/${review.body.id}/status`, { token: staff, body: { status: 'approved' } });

    const res = await server.request('DELETE', '/api/auth/me', { token, body: { password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    expect((await me(token)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await login(email)).status).toBe(401);
    const [user] = await db.select().from(users).where(eq(users.id, userId));
    expect(user).toMatchObject({ name: null, role: 'customer', closedAt: expect.any(Date) });
    expect(user!.email).not.toContain(email.split('@')[0]!);
    expect(await db.select().from(addresses).where(eq(addresses.userId, userId))).toEqual([]);
    expect(await db.select().from(wishlistItems).where(eq(wishlistItems.userId, userId))).toEqual([]);
    expect(await db.select().from(carts).where(eq(carts.userId, userId))).toEqual([]);
    const kept = await db.select().from(orders).where(eq(orders.userId, userId));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ id: order.body.id, shippingAddress: null, totalCents: order.body.totalCents });
    const [keptReview] = await db.select().from(reviews).where(eq(reviews.userId, userId));
    expect(keptReview).toMatchObject({ body: 'Solid.', status: 'approved' });
    const publicReviews = await server.request('GET', `/api/products/${p}/reviews`);
    expect(publicReviews.body.items).toEqual([expect.objectContaining({ id: review.body.id, userName: 'Former customer' })]);
    expect((await server.request('GET', `/api/products/${p}`)).body.rating).toEqual({ average: 4, count: 1 });

    // Staff still see the order, without an address.
    expect((await server.request('GET', `/api/orders/${order.body.id}`, { token: staff })).body.shippingAddress).toBeNull();

    // The email is free again: a new, separate account.
    const again = await register(server, email);
    expect(again.userId).not.toBe(userId);
    expect((await server.request('GET', '/api/orders/me', { token: again.token })).body.total).toBe(0);
    // A closed account cannot be closed twice, nor signed in to with the placeholder.
    expect((await login(user!.email, PASSWORD)).status).toBe(401);
  });

  it('lists a closed account sensibly on the staff customers page', async () => {
    const { token, userId } = await register();
    await server.request('DELETE', '/api/auth/me', { token, body: { password: PASSWORD } });
    const admin = (await createUserWithToken(server.runtime, 'admin')).token;
    const res = await server.request('GET', trpcQuery('customers.byId', { id: userId }), { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.result.data).toMatchObject({ id: userId, name: null, closedAt: expect.any(String), role: 'customer' });
    const list = await server.request('GET', trpcQuery('customers.list', { q: 'closed-' }), { token: admin });
    expect(list.body.result.data.items.map((c: { id: number }) => c.id)).toContain(userId);
  });

  it('refuses the last admin (409 last_admin); with two admins closing at once, exactly one goes', async () => {
    const { eq } = await import('drizzle-orm');
    // This database's admins: only the ones this test makes.
    await db.execute(`update users set role = 'customer' where role = 'admin'`);
    const a = await register();
    const b = await register();
    await setRole(a.userId, 'admin');
    await setRole(b.userId, 'admin');
    const results = await Promise.all([a, b].map((admin) => server.request('DELETE', '/api/auth/me', { token: admin.token, body: { password: PASSWORD } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.reason).toBe('last_admin');
    const left = await db.select({ id: users.id }).from(users).where(eq(users.role, 'admin'));
    expect(left).toHaveLength(1);
    const last = left[0]!.id === a.userId ? a : b;
    expect((await me(last.token)).body.role).toBe('admin');
    const again = await server.request('DELETE', '/api/auth/me', { token: last.token, body: { password: PASSWORD } });
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('last_admin');
  });

  it('documents its JSON body in /openapi.json', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    const operation = doc.paths['/auth/me'].delete;
    expect(operation.requestBody.content['application/json'].schema.required).toEqual(['password']);
    expect(operation.parameters ?? []).toEqual([]);
  });
});

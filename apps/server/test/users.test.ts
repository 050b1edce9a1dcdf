import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, trpcQuery, uniqueEmail } from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

let server: TestServer;
let admin: { userId: number; token: string };

beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT_REGISTER_PER_IP: '10000' });
  admin = await createUserWithToken(server.runtime, 'admin');
});
afterAll(() => server.close());

async function register(email = uniqueEmail(), name?: string) {
  const res = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD, name } });
  expect(res.status).toBe(200);
  return res.body as { user: { id: number; email: string; role: string }; token: string };
}

const setRole = (token: string, id: number | string, role: unknown) =>
  server.request('PUT', `/api/users/${id}/role`, { token, body: { role } });

describe('GET /api/users', () => {
  it('lists users newest first as a page of `user`', async () => {
    const a = await register();
    const b = await register();
    const res = await server.request('GET', '/api/users?limit=2', { token: admin.token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'limit', 'page', 'total', 'totalPages']);
    expect(res.body.items.map((u: { id: number }) => u.id)).toEqual([b.user.id, a.user.id]);
    expect(Object.keys(res.body.items[0]).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(res.body.total).toBeGreaterThanOrEqual(3);
    expect(res.body.totalPages).toBe(Math.ceil(res.body.total / 2));
    const past = await server.request('GET', '/api/users?page=1000', { token: admin.token });
    expect(past.body.items).toEqual([]);
  });

  it('filters by role and by q over email and name, case-insensitively', async () => {
    const tag = `zq${Date.now()}`;
    const byEmail = await register(uniqueEmail(`${tag}-mail`));
    const byName = await register(uniqueEmail('plain'), `Grace ${tag.toUpperCase()} Hopper`);
    const res = await server.request('GET', `/api/users?q=${tag.toUpperCase()}`, { token: admin.token });
    expect(res.body.items.map((u: { id: number }) => u.id).sort()).toEqual([byEmail.user.id, byName.user.id].sort());
    expect(res.body.total).toBe(2);

    const admins = await server.request('GET', '/api/users?role=admin', { token: admin.token });
    expect(admins.body.items.length).toBeGreaterThan(0);
    expect(admins.body.items.every((u: { role: string }) => u.role === 'admin')).toBe(true);

    const none = await server.request('GET', `/api/users?role=staff&q=${tag}`, { token: admin.token });
    expect(none.body).toMatchObject({ items: [], total: 0, totalPages: 0 });
    // % and _ are literal characters, not wildcards
    expect((await server.request('GET', '/api/users?q=%25', { token: admin.token })).body.total).toBe(0);
  });

  it.each(['limit=51', 'page=0', 'role=owner', `q=${'x'.repeat(201)}`])('is 400 for %s', async (query) => {
    expect((await server.request('GET', `/api/users?${query}`, { token: admin.token })).status).toBe(400);
  });

  it('is 401 without a token and 403 for customers and staff', async () => {
    expect((await server.request('GET', '/api/users')).status).toBe(401);
    for (const role of ['customer', 'staff'] as const) {
      const { token } = await createUserWithToken(server.runtime, role);
      const res = await server.request('GET', '/api/users', { token });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
  });
});

describe('PUT /api/users/{id}/role', () => {
  it('changes the role and answers the user', async () => {
    const { user } = await register();
    const res = await setRole(admin.token, user.id, 'staff');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, email: user.email, role: 'staff' });
    expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    // setting the role it already has is a harmless no-op
    expect((await setRole(admin.token, user.id, 'staff')).body.role).toBe('staff');
  });

  it('takes effect on the user’s very next request, though their session was cached', async () => {
    const { user, token } = await register();
    expect((await server.request('GET', '/api/users', { token })).status).toBe(403); // cached as customer
    expect((await setRole(admin.token, user.id, 'admin')).status).toBe(200);
    expect((await server.request('GET', '/api/users', { token })).status).toBe(200);
    expect((await server.request('GET', '/api/auth/me', { token })).body.role).toBe('admin');
    expect((await setRole(admin.token, user.id, 'customer')).status).toBe(200);
    expect((await server.request('GET', '/api/users', { token })).status).toBe(403);
  });

  it('is 400 for a bad role or id, 404 for an unknown user', async () => {
    const { user } = await register();
    expect((await setRole(admin.token, user.id, 'owner')).status).toBe(400);
    expect((await setRole(admin.token, user.id, undefined)).status).toBe(400);
    expect((await setRole(admin.token, 'abc', 'staff')).status).toBe(400);
    expect((await setRole(admin.token, -1, 'staff')).status).toBe(400);
    const missing = await setRole(admin.token, 999_999, 'staff');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/not found/i);
  });

  it('is 401 without a token and 403 for customers and staff, who cannot promote themselves', async () => {
    const { user } = await register();
    expect((await setRole('', user.id, 'admin')).status).toBe(401);
    for (const role of ['customer', 'staff'] as const) {
      const caller = await createUserWithToken(server.runtime, role);
      expect((await setRole(caller.token, caller.userId, 'admin')).status).toBe(403);
    }
  });

  it('is served over tRPC too', async () => {
    const { user } = await register();
    const list = await server.request('GET', trpcQuery('users.list', { q: user.email }), { token: admin.token });
    expect(list.body.result.data.items[0].id).toBe(user.id);
    const changed = await server.request('POST', '/trpc/users.setRole', {
      token: admin.token,
      body: { id: user.id, role: 'staff' },
    });
    expect(changed.body.result.data.role).toBe('staff');
    const { token } = await createUserWithToken(server.runtime, 'staff');
    expect((await server.request('GET', trpcQuery('users.list', {}), { token })).status).toBe(403);
  });
});

describe('the last admin', () => {
  // A store of its own, so the number of admins is known.
  let store: TestServer;
  beforeAll(async () => {
    store = await startTestServer();
  });
  afterAll(() => store.close());

  const change = (token: string, id: number, role: string) =>
    store.request('PUT', `/api/users/${id}/role`, { token, body: { role } });

  it('cannot lose the role (409), but can once there is another admin', async () => {
    const only = await createUserWithToken(store.runtime, 'admin');
    const res = await change(only.token, only.userId, 'customer');
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('last_admin');
    expect(res.body.message).toMatch(/last admin/i);
    const other = await createUserWithToken(store.runtime, 'staff');
    expect((await change(only.token, other.userId, 'admin')).status).toBe(200);
    expect((await change(only.token, only.userId, 'customer')).status).toBe(200);
    // demoted: the very next request is refused
    expect((await change(only.token, other.userId, 'customer')).status).toBe(403);
    // and the other one is now the last admin
    expect((await change(other.token, other.userId, 'staff')).status).toBe(409);
  });

  /** Makes `n` fresh admins and demotes every other admin, so exactly these `n` remain. */
  async function onlyAdmins(n: number) {
    const fresh = await Promise.all(Array.from({ length: n }, () => createUserWithToken(store.runtime, 'admin')));
    const ids = new Set(fresh.map((u) => u.userId));
    const listed = await store.request('GET', '/api/users?role=admin&limit=50', { token: fresh[0]!.token });
    expect(listed.body.total).toBeLessThanOrEqual(50);
    for (const { id } of listed.body.items as { id: number }[]) {
      if (!ids.has(id)) expect((await change(fresh[0]!.token, id, 'customer')).status).toBe(200);
    }
    expect((await store.request('GET', '/api/users?role=admin&limit=50', { token: fresh[0]!.token })).body.total).toBe(n);
    return fresh;
  }

  /** How many admins there are, read by a fresh admin that does not count itself. */
  const adminsLeft = async () => {
    const reader = await createUserWithToken(store.runtime, 'admin');
    const res = await store.request('GET', '/api/users?role=admin&limit=50', { token: reader.token });
    return (res.body.total as number) - 1;
  };

  it('stays with at least one admin when two admins demote each other at once', async () => {
    for (let round = 0; round < 10; round++) {
      const [a, b] = await onlyAdmins(2);
      if (!a || !b) throw new Error('two admins expected');
      const [ab, ba] = await Promise.all([change(a.token, b.userId, 'customer'), change(b.token, a.userId, 'customer')]);
      // Exactly one wins. The loser is refused as the last admin (409) or, when its request
      // was authorized after the winner's commit, as no longer an admin at all (403).
      const statuses = [ab.status, ba.status].sort();
      expect(statuses[0], `round ${round}`).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const left = await store.request('GET', '/api/users?role=admin', { token: ab.status === 200 ? a.token : b.token });
      expect(left.body.total).toBe(1);
    }
  });

  it('keeps exactly one admin when 20 admins all give up the role at once', async () => {
    const admins = await onlyAdmins(20);
    const results = await Promise.all(admins.map((a) => change(a.token, a.userId, 'customer')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array<number>(19).fill(200), 409]);
    const last = admins[results.findIndex((r) => r.status === 409)]!;
    const left = await store.request('GET', '/api/users?role=admin&limit=50', { token: last.token });
    expect(left.body.items.map((u: { id: number }) => u.id)).toEqual([last.userId]);
  });

  it('never runs out of admins when 20 admins each demote the next one at once', async () => {
    const admins = await onlyAdmins(20);
    const results = await Promise.all(admins.map((a, i) => change(a.token, admins[(i + 1) % admins.length]!.userId, 'customer')));
    for (const r of results) expect([200, 403, 409]).toContain(r.status);
    const won = results.filter((r) => r.status === 200).length;
    expect(won).toBeGreaterThanOrEqual(1);
    expect(won).toBeLessThanOrEqual(19);
    // each request names a different target: every win demoted exactly one admin
    expect(await adminsLeft()).toBe(20 - won);
  });
});

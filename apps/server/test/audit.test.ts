import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trpcQuery } from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

// One proxy in front (TRUST_PROXY=1): the client is the address that proxy saw, whatever the
// client itself wrote further left in X-Forwarded-For.
let server: TestServer;
let admin: { userId: number; email: string; token: string };
let staff: { userId: number; email: string; token: string };
let customer: { userId: number; email: string; token: string };

beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' });
  admin = await createUserWithToken(server.runtime, 'admin');
  staff = await createUserWithToken(server.runtime, 'staff');
  customer = await createUserWithToken(server.runtime, 'customer');
});
afterAll(() => server.close());

const auditOf = (token: string | undefined, input: Record<string, unknown>) =>
  server.request('GET', trpcQuery('audit.list', input), { token });

describe('the audit trail over HTTP', () => {
  it('records a staff change made through REST with who made it and the client address', async () => {
    const created = await server.request('POST', '/api/products', {
      token: staff.token,
      body: { name: 'Audited lamp', priceCents: 4000, stock: 2 },
      headers: { 'x-forwarded-for': '192.0.2.66, 198.51.100.9' },
    });
    expect(created.status).toBe(200);
    const id = created.body.id as number;
    const updated = await server.request('PUT', `/api/products/${id}`, {
      token: staff.token,
      body: { priceCents: 4500 },
      headers: { 'x-forwarded-for': '198.51.100.10' },
    });
    expect(updated.status).toBe(200);

    const res = await auditOf(admin.token, { entityType: 'product', entityId: String(id) });
    expect(res.status).toBe(200);
    const [update, create] = res.body.result.data.items;
    expect(update).toMatchObject({
      action: 'update',
      actorKind: 'staff',
      actorUserId: staff.userId,
      actorEmail: staff.email,
      ip: '198.51.100.10',
      changes: { priceCents: { before: 4000, after: 4500 } },
    });
    expect(create).toMatchObject({ action: 'create', ip: '198.51.100.9', changes: { name: { before: null, after: 'Audited lamp' } } });
  });

  it('is read by admins only', async () => {
    expect((await auditOf(undefined, {})).status).toBe(401);
    expect((await auditOf(customer.token, {})).status).toBe(403);
    expect((await auditOf(staff.token, {})).status).toBe(403);
    expect((await auditOf(admin.token, { limit: 101 })).status).toBe(400);
  });
});

import { auditLog, products, users } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateProduct } from '../catalog/products';
import type { Deps } from '../deps';
import { createWebhookEndpoint } from '../notifications/webhooks';
import { createTestDeps, insertTestProduct } from '../testing';
import { transaction } from '../transaction';
import type { Viewer } from '../viewer';
import { actorFor, systemActor } from './actor';
import { listAudit } from './list';
import { changedFields, recordChange, REDACTED } from './record';

let deps: Deps;
let close: () => Promise<void>;
let now = new Date('2026-03-01T10:00:00.000Z');
let admin: NonNullable<Viewer>;

beforeAll(async () => {
  ({ deps, close } = await createTestDeps({ clock: { now: () => now } }));
  const [row] = await deps.db
    .insert(users)
    .values({ email: 'ada@shop.test', name: 'Ada', passwordHash: 'x', role: 'admin' })
    .returning({ id: users.id });
  admin = { userId: row!.id, role: 'admin', ip: '203.0.113.7' };
});
afterAll(() => close());

const entriesFor = (entityType: string, entityId: number) =>
  deps.db.select().from(auditLog).where(eq(auditLog.entityId, String(entityId))).then((rows) => rows.filter((r) => r.entityType === entityType));

describe('the audit trail', () => {
  it('records a staff change with its actor, address, time and changed fields only, in the same transaction', async () => {
    const { id: productId } = await insertTestProduct(deps.db, { name: 'Mug', priceCents: 1200, stock: 3 });
    await updateProduct(deps, actorFor(admin), { id: productId, priceCents: 1500 });
    const [entry] = await entriesFor('product', productId);
    expect(entry).toMatchObject({
      actorKind: 'staff',
      actorUserId: admin.userId,
      actorEmail: 'ada@shop.test',
      actorName: 'Ada',
      ip: '203.0.113.7',
      action: 'update',
      createdAt: now,
      changes: { priceCents: { before: 1200, after: 1500 } },
    });
    expect(Object.keys(entry!.changes)).toEqual(['priceCents']);
  });

  it('keeps the name the actor had at the time', async () => {
    const { id: productId } = await insertTestProduct(deps.db, { name: 'Cup', priceCents: 100, stock: 1 });
    await updateProduct(deps, actorFor(admin), { id: productId, name: 'Big cup' });
    await deps.db.update(users).set({ name: 'Ada L.' }).where(eq(users.id, admin.userId));
    const [entry] = await entriesFor('product', productId);
    expect(entry).toMatchObject({ actorName: 'Ada', changes: { name: { before: 'Cup', after: 'Big cup' } } });
    await deps.db.update(users).set({ name: 'Ada' }).where(eq(users.id, admin.userId));
  });

  it('leaves no entry behind for a change that rolled back', async () => {
    const { id: productId } = await insertTestProduct(deps.db, { name: 'Bowl', priceCents: 900, stock: 1 });
    const failed = transaction(deps, async (tx) => {
      await tx.update(products).set({ name: 'Plate' }).where(eq(products.id, productId));
      await recordChange(deps, tx, { actor: actorFor(admin), entity: 'product', id: productId, action: 'update', before: { name: 'Bowl' }, after: { name: 'Plate' } });
      throw new Error('the change fails after its entry was written');
    });
    await expect(failed).rejects.toThrow('the change fails');
    expect(await entriesFor('product', productId)).toEqual([]);
    // And a write core refuses records nothing either.
    await expect(updateProduct(deps, actorFor(admin), { id: productId, categoryId: 2_000_000_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await entriesFor('product', productId)).toEqual([]);
  });

  it('records people, not the system (the seed, payment webhooks)', async () => {
    const { id: productId } = await insertTestProduct(deps.db, { name: 'Seeded', priceCents: 1, stock: 1 });
    await updateProduct(deps, systemActor, { id: productId, priceCents: 2 });
    expect(await entriesFor('product', productId)).toEqual([]);
  });

  it('never copies a secret: webhook secrets, password hashes and tokens are redacted', async () => {
    const endpoint = await createWebhookEndpoint(deps, admin, { url: 'https://hooks.example.com/in', events: ['order.paid'], description: '' });
    const [entry] = await entriesFor('webhook_endpoint', endpoint.id);
    expect(entry!.changes.secret).toEqual({ before: REDACTED, after: REDACTED });
    expect(JSON.stringify(entry!.changes)).not.toContain(endpoint.secret);
    expect(entry!.changes.url).toEqual({ before: null, after: 'https://hooks.example.com/in' });

    const diff = changedFields(
      { passwordHash: 'old', email: 'a@x.test', settings: { apiKey: 'k1', token: 't1', theme: 'dark' } },
      { passwordHash: 'new', email: 'b@x.test', settings: { apiKey: 'k2', token: 't2', theme: 'light' } },
    );
    expect(diff).toEqual({
      passwordHash: { before: REDACTED, after: REDACTED },
      email: { before: 'a@x.test', after: 'b@x.test' },
      settings: { before: { apiKey: REDACTED, token: REDACTED, theme: 'dark' }, after: { apiKey: REDACTED, token: REDACTED, theme: 'light' } },
    });
  });

  it('lists newest first, filtered, one keyset page at a time; admins only', async () => {
    const { id: productId } = await insertTestProduct(deps.db, { name: 'Pages', priceCents: 1, stock: 1 });
    for (let price = 2; price <= 6; price++) {
      now = new Date(now.getTime() + 60_000);
      await updateProduct(deps, actorFor(admin), { id: productId, priceCents: price });
    }
    const filter = { entityType: 'product', entityId: String(productId) } as const;
    const first = await listAudit(deps, admin, { ...filter, limit: 2 });
    expect(first.items.map((e) => e.changes.priceCents?.after)).toEqual([6, 5]);
    const second = await listAudit(deps, admin, { ...filter, limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.changes.priceCents?.after)).toEqual([4, 3]);
    const third = await listAudit(deps, admin, { ...filter, limit: 2, cursor: second.nextCursor! });
    expect(third.items.map((e) => e.changes.priceCents?.after)).toEqual([2]);
    expect(third.nextCursor).toBeNull();

    const since = new Date(now.getTime() - 60_000).toISOString();
    expect((await listAudit(deps, admin, { ...filter, from: since })).items).toHaveLength(2);
    expect((await listAudit(deps, admin, { ...filter, actorUserId: admin.userId, action: 'update' })).items).toHaveLength(5);
    expect((await listAudit(deps, admin, { ...filter, action: 'delete' })).items).toHaveLength(0);

    await expect(listAudit(deps, { ...admin, role: 'staff' }, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(listAudit(deps, null, {})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

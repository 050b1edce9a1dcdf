import { OUTBOX_KEEP_DAYS, sessionIdOf } from '@commerce/core';
import { idempotencyKeys, outbox, sessions } from '@commerce/db';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMaintenance } from '../src/maintenance';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('deletes expired sessions and idempotency keys, and keeps live ones', async () => {
  const { db } = server.runtime.deps;
  const live = await createUserWithToken(server.runtime);
  const past = new Date(Date.now() - 60_000);
  const future = new Date(Date.now() + 60_000);
  await db.insert(sessions).values({ id: 'expiredsessiontoken0000000000000000000000', userId: live.userId, expiresAt: past });
  await db.insert(idempotencyKeys).values([
    { userId: live.userId, key: 'old', requestHash: 'h', expiresAt: past },
    { userId: live.userId, key: 'new', requestHash: 'h', expiresAt: future },
  ]);

  expect(await runMaintenance(server.runtime)).toMatchObject({ idempotencyKeys: 1 });

  const sessionIds = (await db.select({ id: sessions.id }).from(sessions)).map((s) => s.id);
  expect(sessionIds).toEqual([sessionIdOf(live.token)]);
  const keys = (await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((k) => k.key);
  expect(keys).toEqual(['new']);
});

it('deletes outbox rows delivered more than a week ago; keeps recent, due and failed ones', async () => {
  const { db } = server.runtime.deps;
  const day = 24 * 3600 * 1000;
  const longAgo = new Date(Date.now() - (OUTBOX_KEEP_DAYS + 1) * day);
  const recently = new Date(Date.now() - (OUTBOX_KEEP_DAYS - 1) * day);
  const row = (type: string, fields: Partial<typeof outbox.$inferInsert>) => ({ type, payload: {}, runAt: longAgo, createdAt: longAgo, ...fields });
  const inserted = await db
    .insert(outbox)
    .values([
      row('maintenance.old-delivered', { completedAt: longAgo }),
      row('maintenance.recent-delivered', { completedAt: recently }),
      row('maintenance.old-failed', { failedAt: longAgo }),
      row('maintenance.still-due', {}),
    ])
    .returning({ id: outbox.id });
  const ids = inserted.map((r) => r.id);

  expect((await runMaintenance(server.runtime)).outbox).toBeGreaterThanOrEqual(1);

  const left = await db.select({ type: outbox.type }).from(outbox).where(inArray(outbox.id, ids));
  expect(left.map((r) => r.type).sort()).toEqual(['maintenance.old-failed', 'maintenance.recent-delivered', 'maintenance.still-due']);
});

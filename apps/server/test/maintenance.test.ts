import { sessionIdOf } from '@commerce/core';
import { idempotencyKeys, sessions } from '@commerce/db';
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

  expect(await runMaintenance(server.runtime)).toEqual({ idempotencyKeys: 1 });

  const sessionIds = (await db.select({ id: sessions.id }).from(sessions)).map((s) => s.id);
  expect(sessionIds).toEqual([sessionIdOf(live.token)]);
  const keys = (await db.select({ key: idempotencyKeys.key }).from(idempotencyKeys)).map((k) => k.key);
  expect(keys).toEqual(['new']);
});

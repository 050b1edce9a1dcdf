import { afterAll, beforeAll, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { expectedViewer } from '@commerce/core/testing';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it('resolves a bearer token to its user, and ignores garbage tokens', async () => {
  const { token, userId } = await createUserWithToken(server.runtime, 'staff');
  const { resolveViewer } = await import('@commerce/core');
  expect(await resolveViewer(server.runtime.deps, token)).toEqual(await expectedViewer(server.runtime.deps.db, userId, 'staff'));
  // second call is served from the cache and agrees
  expect(await resolveViewer(server.runtime.deps, token)).toEqual(await expectedViewer(server.runtime.deps.db, userId, 'staff'));
  expect(await resolveViewer(server.runtime.deps, 'garbage')).toBeNull();
  expect(await resolveViewer(server.runtime.deps, 'a'.repeat(40))).toBeNull();
});

import { sessions, users } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCache } from '../cache';
import type { Deps } from '../deps';
import { createTestDeps, expectedViewer } from '../testing';
import { logout } from './accounts';
import { transaction } from '../transaction';
import { issueSession, resolveViewer, sessionCacheKey, sessionIdOf, takeSession } from './sessions';
import { setUserRole } from './users';

/** A cache that runs a hook just before one write lands: a revocation racing a request's cache fill. */
class RacingCache extends MemoryCache {
  beforeNextSet: (() => Promise<unknown>) | undefined;
  override async set(key: string, value: string, ttlSeconds: number) {
    const hook = this.beforeNextSet;
    this.beforeNextSet = undefined;
    if (hook) await hook();
    return super.set(key, value, ttlSeconds);
  }
}

let base: Deps;
let close: () => Promise<void>;
let counter = 0;

beforeAll(async () => {
  ({ deps: base, close } = await createTestDeps());
});
afterAll(() => close());

async function newUser(deps: Deps, role: 'customer' | 'admin' = 'customer') {
  const [user] = await deps.db
    .insert(users)
    .values({ email: `s${++counter}@example.test`, passwordHash: 'x', role })
    .returning({ id: users.id });
  const { token } = await issueSession(deps, deps.db, user!.id);
  return { userId: user!.id, token };
}

describe('resolveViewer cache', () => {
  it('serves a hit from the cache, and never past the session expiry it recorded', async () => {
    const deps = { ...base, cache: new MemoryCache() };
    const { userId, token } = await newUser(deps);
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, userId, 'customer'));
    // gone from the database without telling the cache: still served from the cache...
    await deps.db.delete(sessions).where(eq(sessions.id, sessionIdOf(token)));
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, userId, 'customer'));
    // ...but not once the recorded expiry has passed
    const later = { ...deps, clock: { now: () => new Date(Date.now() + 31 * 86_400_000) } };
    expect(await resolveViewer(later, token)).toBeNull();
  });

  it('goes to the database every time when the cache is off', async () => {
    const deps = { ...base, cache: new MemoryCache(), settings: { ...base.settings, sessionCacheSeconds: 0 } };
    const { token } = await newUser(deps);
    expect(await resolveViewer(deps, token)).not.toBeNull();
    expect(await deps.cache.get(sessionCacheKey(token))).toBeNull();
    await transaction(deps, (tx) => takeSession(deps, tx, token));
    expect(await resolveViewer(deps, token)).toBeNull();
  });

  it('does not keep an entry written just after a logout dropped it', async () => {
    const cache = new RacingCache();
    const deps = { ...base, cache };
    const { token } = await newUser(deps);
    // this request read the session before the logout committed, and writes the cache after it
    cache.beforeNextSet = () => logout(deps, token);
    await resolveViewer(deps, token);
    expect(await cache.get(sessionCacheKey(token))).toBeNull();
    expect(await resolveViewer(deps, token)).toBeNull();
  });

  it('does not keep an entry with the old role written just after a role change', async () => {
    const cache = new RacingCache();
    const deps = { ...base, cache };
    const admin = await newUser(deps, 'admin');
    const { userId, token } = await newUser(deps);
    cache.beforeNextSet = () => setUserRole(deps, { userId: admin.userId, role: 'admin' }, { id: userId, role: 'staff' });
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, userId, 'customer'));
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, userId, 'staff'));
  });

  it('ignores tokens that cannot be lucia tokens without asking the database', async () => {
    expect(await resolveViewer(base, '')).toBeNull();
    expect(await resolveViewer(base, 'UPPER-case-and-dashes-0123456789')).toBeNull();
    expect(await resolveViewer(base, 'x'.repeat(500))).toBeNull();
  });
});

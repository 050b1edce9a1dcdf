import { createHash } from 'node:crypto';
import { sessions, type UserRole } from '@commerce/db';
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps';
import type { Viewer } from '../viewer';
import { luciaFor } from './lucia';

// lucia's tokens are 40 base32 characters; anything far from that never reaches the database.
const plausibleToken = /^[a-z0-9]{20,128}$/;

interface CachedSession {
  userId: number;
  role: UserRole;
  expiresAt: number;
}

/** Cache key for a session: a hash, so the cache never holds a usable token. */
export const sessionCacheKey = (token: string) => `session:${createHash('sha256').update(token).digest('hex')}`;

export const lucia = (deps: Deps) => luciaFor(deps.db, deps.settings.sessionTtlDays);

/**
 * Resolves a session token to its user. A hit in the cache costs no database round trip;
 * entries live briefly and are dropped on logout, refresh and role change.
 */
export async function resolveViewer(deps: Deps, token: string): Promise<Viewer> {
  if (!plausibleToken.test(token)) return null;
  const key = sessionCacheKey(token);
  const now = deps.clock.now().getTime();
  if (deps.settings.sessionCacheSeconds > 0) {
    const hit = await deps.cache.get(key).catch(() => null);
    if (hit) {
      const cached = JSON.parse(hit) as CachedSession;
      if (cached.expiresAt > now) return { userId: cached.userId, role: cached.role };
    }
  }
  const { session, user } = await lucia(deps).validateSession(token);
  if (!session) return null;
  if (deps.settings.sessionCacheSeconds > 0) {
    const ttl = Math.min(deps.settings.sessionCacheSeconds, (session.expiresAt.getTime() - now) / 1000);
    if (ttl >= 1) {
      const value: CachedSession = { userId: user.id, role: user.role, expiresAt: session.expiresAt.getTime() };
      await deps.cache.set(key, JSON.stringify(value), ttl).catch(() => undefined);
    }
  }
  return { userId: user.id, role: user.role };
}

/** Drops one token's cached session, so its revocation is seen on the next request. */
export async function forgetSession(deps: Deps, token: string): Promise<void> {
  await deps.cache.del([sessionCacheKey(token)]);
}

/** Drops every cached session of a user (after a role change, say). */
export async function forgetUserSessions(deps: Deps, userId: number): Promise<void> {
  const rows = await deps.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
  await deps.cache.del(rows.map((row) => sessionCacheKey(row.id)));
}

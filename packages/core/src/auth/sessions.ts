import { createHash } from 'node:crypto';
import { sessions, type Database, type Transaction, type UserRole } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { generateIdFromEntropySize } from 'lucia';
import type { Deps } from '../deps';
import { afterCommit } from '../transaction';
import type { Viewer, ViewerProfile } from '../viewer';
import { luciaFor } from './lucia';

// lucia's tokens are 40 base32 characters; anything far from that never reaches the database.
const plausibleToken = /^[a-z0-9]{20,128}$/;

/**
 * Bumped by every revocation (logout, refresh, role change) before it drops cache entries.
 * A request that read the database before the revocation committed, and so may be about to
 * cache what it saw, finds the epoch moved after its write and takes that write back.
 */
const SESSION_EPOCH_KEY = 'session:epoch';

interface CachedSession {
  userId: number;
  role: UserRole;
  /** Absent from entries written before it was cached; a change to it drops the user's entries. */
  profile?: ViewerProfile;
  expiresAt: number;
}

/**
 * The session row's id: a hash of the token, so neither the database nor the cache ever holds
 * a usable token (someone who can read them still cannot sign in as anyone).
 */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('hex');

const cacheKeyOfId = (sessionId: string) => `session:${sessionId}`;

/** Cache key for a token's session. */
export const sessionCacheKey = (token: string) => cacheKeyOfId(sessionIdOf(token));

export const lucia = (deps: Deps) => luciaFor(deps.db, deps.settings.sessionTtlDays);

/** Called when validation slid a session's expiry forward (lucia's `fresh`), e.g. to re-set a cookie. */
export type OnSessionExtended = (expiresAt: Date) => void;

/**
 * Resolves a session token to its user. A hit in the cache costs one cache round trip and no
 * database query; entries live briefly, never past the session's own expiry, and are dropped
 * on logout, refresh and role change.
 */
export async function resolveViewer(deps: Deps, token: string, onExtended?: OnSessionExtended): Promise<Viewer> {
  if (!plausibleToken.test(token)) return null;
  const caching = deps.settings.sessionCacheSeconds > 0;
  const key = sessionCacheKey(token);
  let epochBefore: string | null = null;
  if (caching) {
    const [hit, epoch] = await deps.cache.mget([key, SESSION_EPOCH_KEY]).catch(() => [null, null]);
    const cached = parseCached(hit);
    if (cached && cached.expiresAt > deps.clock.now().getTime()) return { userId: cached.userId, role: cached.role, profile: cached.profile };
    epochBefore = epoch ?? null;
  }
  // lucia deletes expired sessions and slides the expiry of those past half their life.
  const { session, user } = await lucia(deps).validateSession(sessionIdOf(token));
  if (!session) return null;
  if (session.fresh) onExtended?.(session.expiresAt);
  const profile = { email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
  if (caching) {
    await remember(deps, key, { userId: user.id, role: user.role, profile, expiresAt: session.expiresAt.getTime() }, epochBefore);
  }
  return { userId: user.id, role: user.role, profile };
}

function parseCached(value: string | null | undefined): CachedSession | null {
  if (!value) return null;
  try {
    return JSON.parse(value) as CachedSession;
  } catch {
    return null;
  }
}

async function remember(deps: Deps, key: string, value: CachedSession, epochBefore: string | null): Promise<void> {
  const ttl = Math.min(deps.settings.sessionCacheSeconds, (value.expiresAt - deps.clock.now().getTime()) / 1000);
  if (ttl < 1) return;
  try {
    await deps.cache.set(key, JSON.stringify(value), ttl);
    if ((await deps.cache.get(SESSION_EPOCH_KEY)) !== epochBefore) await deps.cache.del([key]);
  } catch {
    // The cache is an optimisation: without it every request validates against the database.
  }
}

async function forgetKeys(deps: Deps, keys: string[]): Promise<void> {
  try {
    await deps.cache.incr(SESSION_EPOCH_KEY);
    await deps.cache.del(keys);
  } catch {
    // A cache that is down serves no stale entries either; the revocation itself is in the database.
  }
}

/**
 * Drops every cached session of a user once `tx` commits (after a role or name change, say), so
 * the change reaches their very next request. Sessions deleted in `tx` are no longer found in the
 * database then: pass the ids revokeUserSessions answered.
 */
export function forgetUserSessionsAfterCommit(deps: Deps, tx: Transaction, userId: number, revokedSessionIds: string[] = []): void {
  afterCommit(tx, {
    run: async () => {
      const rows = await deps.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
      const ids = new Set([...rows.map((row) => row.id), ...revokedSessionIds]);
      await forgetKeys(deps, [...ids].map(cacheKeyOfId));
    },
  });
}

/** Deletes every session of a user in `tx`; their cached copies go once it commits. */
export async function revokeUserSessions(deps: Deps, tx: Transaction, userId: number): Promise<string[]> {
  const rows = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
  const ids = rows.map((row) => row.id);
  forgetUserSessionsAfterCommit(deps, tx, userId, ids);
  return ids;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

/** Writes a new session row (inside the caller's transaction, if any) in lucia's format, keyed by the token's hash. */
export async function issueSession(deps: Deps, db: Database | Transaction, userId: number): Promise<IssuedSession> {
  const token = generateIdFromEntropySize(25);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.settings.sessionTtlDays * 86_400_000);
  await db.insert(sessions).values({ id: sessionIdOf(token), userId, expiresAt });
  return { token, expiresAt };
}

/**
 * Deletes a session row and answers its user, or null when the token was unknown or expired.
 * The row lock makes this single-use: of two concurrent calls with one token, one gets null.
 * Its cached copy goes once `tx` commits, so the revocation is seen on the next request.
 */
export async function takeSession(deps: Deps, tx: Transaction, token: string): Promise<number | null> {
  const [row] = await tx
    .delete(sessions)
    .where(eq(sessions.id, sessionIdOf(token)))
    .returning({ userId: sessions.userId, expiresAt: sessions.expiresAt });
  afterCommit(tx, { run: () => forgetKeys(deps, [sessionCacheKey(token)]) });
  return row && row.expiresAt > deps.clock.now() ? row.userId : null;
}

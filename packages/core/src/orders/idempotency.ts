import { createHash } from 'node:crypto';
import { idempotencyKeys, type Transaction } from '@commerce/db';
import { and, eq, lte } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { idempotencyKeySchema } from './schemas';

/** How long a key answers with its first order. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Validates a key from a header (which no zod schema sees); undefined when none was sent. */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(raw);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', `Idempotency-Key: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      field: 'idempotencyKey',
    });
  }
  return parsed.data;
}

/** JSON with object keys sorted and undefined fields left out: two spellings of one value read alike. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * What an Idempotency-Key stands for: the endpoint and the whole validated input (the key
 * itself aside). Computed here only, from everything the caller sent, so a field added to an
 * endpoint later is part of it without anyone remembering: a retry must repeat it exactly.
 */
export function requestIdentity(endpoint: string, input: { idempotencyKey?: string | undefined }): string {
  const { idempotencyKey: _key, ...request } = input;
  return createHash('sha256').update(canonicalJson({ endpoint, request })).digest('hex');
}

/**
 * Claims `key` for this transaction, or answers the order a live claim already made.
 *
 * The insert waits while another transaction holds the same key uncommitted. If that one
 * rolled back (say it ran out of stock) the insert goes through and this request tries
 * afresh; if it committed, nothing is returned here and its order is the answer. An expired
 * row is taken over as if it were absent.
 */
export async function claimIdempotencyKey(
  tx: Transaction,
  now: Date,
  userId: number,
  key: string,
  hash: string,
): Promise<{ replayOrderId: number } | null> {
  const claim = { requestHash: hash, orderId: null, createdAt: now, expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS) };
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ userId, key, ...claim })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: claim,
      setWhere: lte(idempotencyKeys.expiresAt, now),
    })
    .returning({ userId: idempotencyKeys.userId });
  if (claimed.length) return null;

  const [held] = await tx
    .select({ requestHash: idempotencyKeys.requestHash, orderId: idempotencyKeys.orderId })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
  if (held?.requestHash !== undefined && held.requestHash !== hash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request', {
      field: 'idempotencyKey',
    });
  }
  // A committed claim always carries its order; only a deleted order leaves none.
  if (!held?.orderId) throw new AppError('IDEMPOTENCY_ORDER_GONE', 'The order made with this Idempotency-Key no longer exists');
  return { replayOrderId: held.orderId };
}

export async function recordIdempotentOrder(tx: Transaction, userId: number, key: string, orderId: number) {
  await tx
    .update(idempotencyKeys)
    .set({ orderId })
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
}

/**
 * Deletes keys past their 24 hours (expired rows are otherwise only reused, never removed).
 * For a periodic job; one statement, so it cannot deadlock with orders claiming keys.
 */
export async function purgeExpiredIdempotencyKeys(deps: Deps): Promise<number> {
  const deleted = await deps.db
    .delete(idempotencyKeys)
    .where(lte(idempotencyKeys.expiresAt, deps.clock.now()))
    .returning({ userId: idempotencyKeys.userId });
  return deleted.length;
}

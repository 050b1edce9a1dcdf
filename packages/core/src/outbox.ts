import { outbox, type Database, type Transaction } from '@commerce/db';
import { and, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Deps } from './deps';

/** The business events the store tells of: customers' emails and admins' webhooks follow from them. */
export const storeEventTypes = [
  'order.created',
  'order.paid',
  'order.shipped',
  'order.delivered',
  'order.cancelled',
  'order.refunded',
  'product.updated',
  'inventory.low_stock',
] as const;
export type StoreEventType = (typeof storeEventTypes)[number];

/** The outbox job that sends one email (notifications/handlers composes it from the payload). */
export const EMAIL_SEND = 'email.send';

export interface OutboxMessage {
  /** A store event (`order.paid`) or a job of the notifications domain (`email.send`). */
  type: string;
  payload: Record<string, unknown>;
  /** Makes enqueueing twice one row (a fan-out retried after a crash): the later insert is dropped. */
  dedupeKey?: string | undefined;
  /** Not before this (default: now on the clock). */
  runAt?: Date | undefined;
}

/**
 * Writes `message` to the outbox inside `tx`: it exists exactly when the change that caused it
 * commits, and a dispatcher delivers it at least once after that (see notifications/dispatcher).
 * Core code calls this wherever something others must hear of happens; it costs one insert.
 * Given the database instead of a transaction, the insert is a transaction of its own.
 */
export async function enqueue(deps: Pick<Deps, 'clock'>, tx: Transaction | Database, message: OutboxMessage): Promise<void> {
  const now = deps.clock.now();
  await tx
    .insert(outbox)
    .values({
      type: message.type,
      payload: message.payload,
      dedupeKey: message.dedupeKey ?? null,
      runAt: message.runAt ?? now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey });
}

/** A store event, e.g. `emit(deps, tx, 'order.paid', { orderId })`. */
export const emit = (deps: Pick<Deps, 'clock'>, tx: Transaction, type: StoreEventType, payload: Record<string, unknown>) =>
  enqueue(deps, tx, { type, payload });

/** How long a delivered row is kept: its event id answers "was this sent?" for a week. */
export const OUTBOX_KEEP_DAYS = 7;
const PURGE_BATCH = 10_000;

/**
 * Deletes rows delivered more than OUTBOX_KEEP_DAYS ago, so the outbox holds what is due or
 * recent rather than every event since the store opened. Rows that failed stay: people look at
 * them. A bounded batch per call (a periodic job), so a first purge of a large backlog never
 * holds one long lock; safe on every process at once.
 */
export async function purgeDeliveredOutbox(deps: Pick<Deps, 'db' | 'clock'>): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - OUTBOX_KEEP_DAYS * 24 * 3600 * 1000);
  const old = deps.db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(isNotNull(outbox.completedAt), lte(outbox.completedAt, before)))
    .limit(PURGE_BATCH);
  const deleted = await deps.db.delete(outbox).where(inArray(outbox.id, old)).returning({ id: outbox.id });
  return deleted.length;
}

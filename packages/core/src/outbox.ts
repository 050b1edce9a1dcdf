import { outbox, type Transaction } from '@commerce/db';
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
 */
export async function enqueue(deps: Pick<Deps, 'clock'>, tx: Transaction, message: OutboxMessage): Promise<void> {
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

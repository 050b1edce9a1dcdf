import { orders, queryRows } from '@commerce/db';
import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { transaction } from '../transaction';
import { systemActor } from './actor';
import { transitionOrderInTx } from './transition';

/** pg_try_advisory_xact_lock key of the expiry sweep (any constant no other lock uses). */
export const EXPIRY_SWEEP_LOCK = 0x636f_6d65_7870; // "comexp"

/** Orders expired per transaction: a sweep's locks and its rollback on failure stay small. */
const DEFAULT_BATCH = 100;

export interface ExpirySweepResult {
  /** False when another process held the sweep: it does the work, this one did nothing. */
  ran: boolean;
  /** The orders this sweep cancelled. */
  expired: number[];
}

/**
 * Cancels pending orders older than `settings.paymentTimeoutMinutes` (by the injectable clock)
 * as the `system` actor, returning their stock; once each batch commits, their open payments
 * are stopped at the provider (transitionOrderInTx registers that).
 *
 * With several processes exactly one sweeps at a time: each batch runs in one transaction that
 * first takes a transaction-level advisory lock, and a process that cannot take it stops. A
 * batch commits whole or not at all, so a process dying mid-sweep leaves every order either
 * expired (status, timeline entry and returned stock together) or untouched for the next sweep.
 * Orders locked by a payment webhook right now are skipped (`SKIP LOCKED`), not waited for:
 * the webhook decides them, and a later sweep sees what it decided. Orders flagged for staff
 * (a payment of the wrong amount was captured) are theirs to settle, not the sweep's.
 */
export async function expireUnpaidOrders(deps: Deps, options: { batchSize?: number } = {}): Promise<ExpirySweepResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const cutoff = new Date(deps.clock.now().getTime() - deps.settings.paymentTimeoutMinutes * 60_000);
  const expired: number[] = [];
  for (;;) {
    const batch = await expireBatch(deps, cutoff, batchSize);
    if (!batch) return { ran: expired.length > 0, expired };
    expired.push(...batch);
    if (batch.length < batchSize) return { ran: true, expired };
  }
}

/** One batch in one transaction; null when another process holds the sweep. Its effects (catalog refresh, stopping payments) run after the commit. */
async function expireBatch(deps: Deps, cutoff: Date, batchSize: number): Promise<number[] | null> {
  return transaction(deps, async (tx) => {
    const [lock] = await queryRows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${EXPIRY_SWEEP_LOCK}::bigint) as locked`);
    if (!lock?.locked) return null;
    const due = await tx
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.status, 'pending'), lt(orders.createdAt, cutoff), isNull(orders.attention)))
      .orderBy(asc(orders.createdAt), asc(orders.id))
      .limit(batchSize)
      .for('update', { skipLocked: true });
    const note = `unpaid after ${deps.settings.paymentTimeoutMinutes} minutes`;
    for (const { id } of due) {
      const moved = await transitionOrderInTx(deps, tx, { actor: systemActor, orderId: id, to: 'cancelled', note });
      await deps.orderPayments.refundInTx(deps, tx, { orderId: id, from: moved.from });
    }
    return due.map((row) => row.id);
  });
}

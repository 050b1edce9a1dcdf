import { cancelOpenPayments, expireUnpaidOrders, lucia, ordersWithOpenPayments, purgeDeliveredOutbox, purgeExpiredIdempotencyKeys } from '@commerce/core';
import type { Runtime } from './deps';

/** Deletes rows whose time is up: expired sessions, idempotency keys, outbox rows delivered long ago. Safe on every process at once. */
export async function runMaintenance(runtime: Runtime): Promise<{ idempotencyKeys: number; outbox: number }> {
  await lucia(runtime.deps).deleteExpiredSessions();
  return { idempotencyKeys: await purgeExpiredIdempotencyKeys(runtime.deps), outbox: await purgeDeliveredOutbox(runtime.deps) };
}

/** Open payments of cancelled orders retried per sweep: a provider outage must not make a sweep endless. */
const OPEN_PAYMENT_RETRIES = 50;

/**
 * Cancels orders left unpaid past PAYMENT_TIMEOUT_MINUTES (one process at a time, see
 * expireUnpaidOrders), then retries stopping the payments still open for cancelled orders (a
 * provider call that failed, or a process that died between the commit and the call).
 */
export async function runPaymentExpiry(runtime: Runtime): Promise<{ ran: boolean; expired: number; paymentsCancelled: number }> {
  const { deps } = runtime;
  const sweep = await expireUnpaidOrders(deps);
  let paymentsCancelled = 0;
  for (const orderId of await ordersWithOpenPayments(deps, OPEN_PAYMENT_RETRIES)) {
    paymentsCancelled += (await cancelOpenPayments(deps, orderId)).cancelled;
  }
  return { ran: sweep.ran, expired: sweep.expired.length, paymentsCancelled };
}

/** Runs `task` every `intervalMs` in the background, never two at once in this process; returns a stop function. */
function every(runtime: Runtime, intervalMs: number, name: string, task: () => Promise<object>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task()
      .then(
        (result) => runtime.logger.info(result, `${name} done`),
        (error: unknown) => runtime.logger.warn({ err: error }, `${name} failed`),
      )
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  // Never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs maintenance every `intervalMs` in the background; returns a stop function. */
export function scheduleMaintenance(runtime: Runtime, intervalMs: number): () => void {
  return every(runtime, intervalMs, 'maintenance', () => runMaintenance(runtime));
}

/** Runs the unpaid-order expiry every `intervalMs` on this process; with several, one sweeps each time. */
export function schedulePaymentExpiry(runtime: Runtime, intervalMs: number): () => void {
  return every(runtime, intervalMs, 'payment expiry', () => runPaymentExpiry(runtime));
}

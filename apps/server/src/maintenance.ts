import { lucia, purgeExpiredIdempotencyKeys } from '@commerce/core';
import type { Runtime } from './deps';

/** Deletes rows whose time is up: expired sessions and idempotency keys. Safe on every process at once. */
export async function runMaintenance(runtime: Runtime): Promise<{ idempotencyKeys: number }> {
  await lucia(runtime.deps).deleteExpiredSessions();
  return { idempotencyKeys: await purgeExpiredIdempotencyKeys(runtime.deps) };
}

/** Runs maintenance every `intervalMs` in the background; returns a stop function. */
export function scheduleMaintenance(runtime: Runtime, intervalMs: number): () => void {
  const timer = setInterval(() => {
    runMaintenance(runtime).then(
      (result) => runtime.logger.info(result, 'maintenance done'),
      (error: unknown) => runtime.logger.warn({ err: error }, 'maintenance failed'),
    );
  }, intervalMs);
  // Never keeps the process alive on its own.
  timer.unref();
  return () => clearInterval(timer);
}

import type { Transaction } from '@commerce/db';
import type { Deps } from './deps';

/**
 * Something to do once a transaction's changes are visible to everyone: drop a cache entry,
 * publish an event. `key` makes one effect out of several registrations (a catalog refresh
 * asked for by every line of an order runs once).
 */
export interface Effect {
  key?: string;
  run(): Promise<void>;
}

const pendingEffects = new WeakMap<Transaction, Effect[]>();

/**
 * Runs `work` in one database transaction and, once it has committed, the effects registered
 * with `afterCommit` inside it, in the order they were registered. A transaction that rolls
 * back runs none of them. An effect that fails does not fail the caller: its change is committed,
 * and an error now would only make the client retry it (effects handle their own retries).
 */
export async function transaction<T>(deps: Pick<Deps, 'db'>, work: (tx: Transaction) => Promise<T>): Promise<T> {
  const effects: Effect[] = [];
  const result = await deps.db.transaction(async (tx) => {
    pendingEffects.set(tx, effects);
    return work(tx);
  });
  await runEffects(effects);
  return result;
}

/**
 * A savepoint inside `tx`: effects registered within it join the outer transaction's only if
 * the savepoint is released, so a part that rolls back on its own leaves no effect behind.
 */
export async function savepoint<T>(tx: Transaction, work: (inner: Transaction) => Promise<T>): Promise<T> {
  const outer = effectsOf(tx);
  const inner: Effect[] = [];
  const result = await tx.transaction(async (nested) => {
    pendingEffects.set(nested, inner);
    return work(nested);
  });
  for (const effect of inner) add(outer, effect);
  return result;
}

/** Registers `effect` to run after `tx` commits (see `transaction`). */
export function afterCommit(tx: Transaction, effect: Effect): void {
  add(effectsOf(tx), effect);
}

function effectsOf(tx: Transaction): Effect[] {
  const effects = pendingEffects.get(tx);
  // A programming error, not a caller's: effects need a transaction opened by `transaction()`.
  if (!effects) throw new Error('afterCommit needs a transaction opened with transaction() or savepoint()');
  return effects;
}

function add(effects: Effect[], effect: Effect): void {
  if (effect.key !== undefined && effects.some((e) => e.key === effect.key)) return;
  effects.push(effect);
}

async function runEffects(effects: readonly Effect[]): Promise<void> {
  for (const effect of effects) {
    try {
      await effect.run();
    } catch {
      // See `transaction`: the change is committed; the effect owns its retries.
    }
  }
}

import type { Transaction } from '@commerce/db';
import type { Deps } from '../deps';
import { afterCommit } from '../transaction';
import type { LiveEvent } from './events';

/**
 * Tells live listeners about `event` once `tx` commits; nothing is heard of a transaction that
 * rolls back. A failed publish (Redis down) is not retried: listeners reconnect and refetch.
 */
export function publishAfterCommit(deps: Pick<Deps, 'live'>, tx: Transaction, event: LiveEvent): void {
  afterCommit(tx, { run: () => deps.live.publish(event) });
}

/** A variant's stock or availability changed in `tx`: storefronts showing it hear the new figure. */
export function publishStock(
  deps: Pick<Deps, 'live'>,
  tx: Transaction,
  variant: { productId: number; variantId: number; stock: number; live: boolean },
): void {
  const { productId, variantId, stock, live } = variant;
  publishAfterCommit(deps, tx, { type: 'stock', productId, variantId, stock, available: live && stock > 0 });
}

import { products, type Transaction } from '@commerce/db';
import { and, eq, isNull } from 'drizzle-orm';
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

/**
 * A variant's stock or availability changed in `tx`: storefronts showing it hear the new figure,
 * unless its product is hidden from them (inactive or archived). `productPublic` when the caller
 * knows it (an order only takes stock of products for sale); otherwise it is read in `tx`.
 */
export async function publishStock(
  deps: Pick<Deps, 'live'>,
  tx: Transaction,
  variant: { productId: number; variantId: number; stock: number; live: boolean; productPublic?: boolean },
): Promise<void> {
  const { productId, variantId, stock, live } = variant;
  const isPublic =
    variant.productPublic ??
    (await tx.select({ id: products.id }).from(products).where(and(eq(products.id, productId), eq(products.isActive, true), isNull(products.archivedAt)))).length > 0;
  publishAfterCommit(deps, tx, { type: 'stock', productId, variantId, stock, available: live && isPublic && stock > 0, public: isPublic });
}

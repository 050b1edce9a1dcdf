import { orderEvents, orders, type OrderStatus, type Transaction } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import { systemActor } from '../orders/actor';

/** A `system` entry on the order's timeline without a move (a failed payment, a flag). */
export async function noteOnTimeline(tx: Transaction, order: { id: number; status: OrderStatus }, text: string) {
  await tx.insert(orderEvents).values({
    orderId: order.id,
    fromStatus: order.status,
    toStatus: order.status,
    actorUserId: null,
    actorKind: systemActor.kind,
    note: text.slice(0, 1000),
  });
}

/** Flags the order for staff (its `attention`, on every order response) and says why on its timeline. */
export async function flagForStaff(tx: Transaction, order: { id: number; status: OrderStatus }, reason: string) {
  await tx
    .update(orders)
    .set({ attention: reason.slice(0, 1000), updatedAt: sql`now()` })
    .where(eq(orders.id, order.id));
  await noteOnTimeline(tx, order, `Needs attention: ${reason}`);
}

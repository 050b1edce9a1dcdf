import { orders, payments } from '@commerce/db';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import type { OrderPayments } from '../orders/payments-port';
import { transaction } from '../transaction';
import type { PaymentProvider } from './provider';
import { refundOrderPaymentInTx } from './refund';
import { PaymentProviders } from './registry';
import { flagForStaff } from './timeline';

/**
 * Makes every payment still open for a cancelled order unpayable at its provider, and records
 * it `cancelled`. A provider that fails is left for the next try (the expiry sweep retries
 * open payments of cancelled orders). One that reports the money taken already is refunded
 * here and the order flagged, without waiting for its success webhook (which then finds the
 * money given back and changes nothing).
 */
export async function cancelOpenPayments(deps: Deps, orderId: number): Promise<{ cancelled: number; failed: number }> {
  const open = await deps.db
    .select({ id: payments.id, provider: payments.provider, providerPaymentId: payments.providerPaymentId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(payments.orderId, orderId), eq(payments.status, 'pending'), eq(orders.status, 'cancelled')));
  let cancelled = 0;
  let failed = 0;
  for (const payment of open) {
    const provider = deps.payments.get(payment.provider);
    if (!provider) continue;
    const outcome = await provider.cancelPayment(payment.providerPaymentId).catch(() => 'failed' as const);
    if (outcome === 'cancelled') {
      cancelled += 1;
      // Only while still pending: a success event recorded meanwhile must not be overwritten.
      await deps.db
        .update(payments)
        .set({ status: 'cancelled', updatedAt: sql`now()` })
        .where(and(eq(payments.id, payment.id), eq(payments.status, 'pending')));
    } else if (outcome === 'failed' || !(await refundLatePayment(deps, orderId).catch(() => false))) {
      failed += 1;
    }
  }
  return { cancelled, failed };
}

/** Gives back a payment that went through for an order cancelled meanwhile, and flags the order. */
async function refundLatePayment(deps: Deps, orderId: number): Promise<boolean> {
  return transaction(deps, async (tx) => {
    const [order] = await tx.select({ id: orders.id, status: orders.status }).from(orders).where(eq(orders.id, orderId)).for('update');
    if (order?.status !== 'cancelled') return false;
    if (!(await refundOrderPaymentInTx(deps, tx, { orderId, from: order.status }))) return false;
    await flagForStaff(tx, order, 'A payment went through after the order was cancelled: it was refunded');
    return true;
  });
}

/** Orders cancelled whose payments are still open at the provider (a cancel that failed or never ran). */
export async function ordersWithOpenPayments(deps: Deps, limit: number): Promise<number[]> {
  const rows = await deps.db
    .selectDistinct({ orderId: payments.orderId })
    .from(payments)
    .innerJoin(orders, eq(orders.id, payments.orderId))
    .where(and(eq(payments.status, 'pending'), eq(orders.status, 'cancelled'), inArray(payments.provider, deps.payments.names)))
    .limit(limit);
  return rows.map((row) => row.orderId);
}

/** The payments domain's side of the OrderPayments port. */
export const orderPayments: OrderPayments = {
  refundInTx: async (deps, tx, move) => {
    await refundOrderPaymentInTx(deps, tx, move);
  },
  // The cancellation committed already: a failure here must not turn it into an error (the
  // expiry sweep retries open payments of cancelled orders).
  cancelOpenPayments: async (deps, orderId) => {
    await cancelOpenPayments(deps, orderId).catch(() => undefined);
  },
};

/** The two payment fields of Deps, from the configured providers (the first is the default). */
export function paymentDeps(providers: readonly PaymentProvider[]): Pick<Deps, 'payments' | 'orderPayments'> {
  return { payments: new PaymentProviders(providers), orderPayments };
}

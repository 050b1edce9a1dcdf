import { invoiceCounters, invoices, type Transaction } from '@commerce/db';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps';

/** `INV-2026-000001`: the year, then the invoice's place in it. */
export const formatInvoiceNumber = (year: number, n: number) => `INV-${year}-${String(n).padStart(6, '0')}`;

/**
 * Gives `orderId` the next invoice number of the year, inside the paying transaction. The
 * counter row stays locked until that transaction ends, so concurrent payments take numbers one
 * after another, and a payment that rolls back gives its number back: no gaps, no repeats.
 */
export async function issueInvoiceNumber(deps: Pick<Deps, 'clock'>, tx: Transaction, orderId: number): Promise<string> {
  const issuedAt = deps.clock.now();
  const year = issuedAt.getUTCFullYear();
  const [counter] = await tx
    .insert(invoiceCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: invoiceCounters.year, set: { last: sql`${invoiceCounters.last} + 1` } })
    .returning({ last: invoiceCounters.last });
  const number = formatInvoiceNumber(year, counter!.last);
  await tx.insert(invoices).values({ orderId, number, issuedAt });
  return number;
}

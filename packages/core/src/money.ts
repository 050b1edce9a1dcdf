// Building an Intl.NumberFormat costs far more than formatting with one: an email or invoice
// formats a dozen amounts, and the store sells in one currency.
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** `$12.50` from 1250 minor units of USD; the currency's own number of decimals (JPY has none). */
export function formatMoney(cents: number, currency: string): string {
  let entry = formats.get(currency);
  if (!entry) {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(currency, entry);
  }
  return entry.format.format(cents / 10 ** entry.digits);
}

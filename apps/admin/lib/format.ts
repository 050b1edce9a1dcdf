const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Minor units to a display amount, e.g. 12900 USD → $129.00. */
export function money(cents: number, currency: string): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(cents / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
}

const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

/** A change against the period before, as a signed percentage; null when there is nothing to compare. */
export function change(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return Math.round(((current - previous) / previous) * 100);
}

/** Decimal text from a form to minor units; NaN when it is not a plain amount. */
export function centsFromInput(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+(\.\d{0,2})?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 100);
}

export const centsToInput = (cents: number) => (cents / 100).toFixed(2);

export const statusLabels = {
  pending: 'Pending',
  paid: 'Paid',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
} as const;

export const roleLabels = { customer: 'Customer', staff: 'Staff', admin: 'Admin' } as const;

const percentFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
/** A rate as people write it: 8.875 → "8.875%", 20 → "20%". */
export const percent = (value: number) => `${percentFormat.format(value)}%`;

/** An ISO instant as a `datetime-local` input's value, in the browser's time zone. */
export function isoToLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input's value back to an ISO instant; null when empty, the text itself when unreadable (the schema then names it). */
export function localInputToIso(value: string): string | null {
  if (!value.trim()) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

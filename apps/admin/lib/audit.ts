import type { AuditAction, AuditEntityType } from '@commerce/core/schemas';
import { formatDateTime, money, roleLabels, statusLabels } from './format';

export const entityLabels: Record<AuditEntityType, string> = {
  product: 'Product',
  variant: 'Variant',
  product_image: 'Product image',
  category: 'Category',
  order: 'Order',
  user: 'User',
  coupon: 'Coupon',
  shipping_method: 'Shipping method',
  tax_rate: 'Tax rate',
  review: 'Review',
  webhook_endpoint: 'Webhook endpoint',
};

export const actionLabels: Record<AuditAction, string> = {
  create: 'Created',
  update: 'Changed',
  delete: 'Deleted',
  archive: 'Archived',
  status: 'Status changed',
};

/** The admin page an entry's entity lives on, where there is one. */
export function entityHref(type: string, id: string): string | null {
  if (type === 'product') return `/products/${id}`;
  if (type === 'order') return `/orders/${id}`;
  if (type === 'user') return `/customers/${id}`;
  return null;
}

/** The audit page filtered to one entity: what product, order and customer pages link to. */
export const auditHref = (type: AuditEntityType, id: number) => `/audit?entityType=${type}&entityId=${id}`;

const fieldNames: Record<string, string> = {
  priceCents: 'Price',
  freeOverCents: 'Free over',
  isActive: 'Active',
  categoryId: 'Category id',
  parentId: 'Parent id',
  archivedAt: 'Archived',
  lowStockThreshold: 'Low-stock threshold',
  optionValues: 'Options',
  sku: 'SKU',
  url: 'URL',
  ratePercent: 'Rate',
  rateMillipercent: 'Rate',
  productId: 'Product id',
  variantId: 'Variant id',
};

/** `perCustomerLimit` → "Per customer limit", unless named above. */
export function fieldLabel(key: string): string {
  const known = fieldNames[key];
  if (known) return known;
  // Amounts are shown as money, so their unit is no part of the name: minSubtotalCents → "Min subtotal".
  const words = key.replace(/Cents$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isoDate = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** One side of a field's change, as a shop owner reads it. */
export function formatValue(key: string, value: unknown, currency: string): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number' && key.endsWith('Cents')) return money(value, currency);
  if (typeof value === 'number' && key === 'rateMillipercent') return `${value / 1000}%`;
  if (typeof value === 'string' && key === 'status' && value in statusLabels) return statusLabels[value as keyof typeof statusLabels];
  if (typeof value === 'string' && key === 'role' && value in roleLabels) return roleLabels[value as keyof typeof roleLabels];
  if (typeof value === 'string' && isoDate.test(value)) return formatDateTime(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A date input's day (local time) as the start or end of that day, for the list's bounds. */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d\d-\d\d$/.test(day)) return undefined;
  const date = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

import type { LowStockItemDto } from '../catalog/schemas';
import type { OrderDto } from '../orders/schemas';
import type { EmailBlock, EmailContent } from './email-render';
import { formatMoney } from '../money';

export const orderEmailKinds = ['order_placed', 'order_paid', 'order_shipped', 'order_cancelled', 'order_refunded'] as const;
export type OrderEmailKind = (typeof orderEmailKinds)[number];

/**
 * Totals and shipment details an order may carry (they arrive with order totals): shown when
 * present, so the emails need no change when the order gains them.
 */
interface OptionalOrderDetails {
  subtotalCents?: number | null;
  discountCents?: number | null;
  shippingCents?: number | null;
  taxCents?: number | null;
  shipment?: { carrier?: string | null; trackingNumber?: string | null; trackingUrl?: string | null } | null;
}

export interface OrderEmailData {
  kind: OrderEmailKind;
  storeName: string;
  customerName: string | null;
  order: Pick<OrderDto, 'id' | 'items' | 'totalCents' | 'currency' | 'shippingAddress'> & OptionalOrderDetails;
}

const intro: Record<OrderEmailKind, { subject: (id: number) => string; text: string }> = {
  order_placed: { subject: (id) => `Order #${id} received`, text: 'Thank you for your order. It is reserved for you until it is paid.' },
  order_paid: { subject: (id) => `Order #${id} paid`, text: 'We have your payment and are getting your order ready.' },
  order_shipped: { subject: (id) => `Order #${id} shipped`, text: 'Your order is on its way.' },
  order_cancelled: { subject: (id) => `Order #${id} cancelled`, text: 'Your order has been cancelled. Anything you paid is refunded.' },
  order_refunded: { subject: (id) => `Order #${id} refunded`, text: 'Your order has been refunded.' },
};

function orderTable(order: OrderEmailData['order']): EmailBlock {
  const money = (cents: number) => formatMoney(cents, order.currency);
  const foot: string[][] = [];
  const optional: [string, number | null | undefined][] = [
    ['Subtotal', order.subtotalCents],
    ['Discount', order.discountCents ? -order.discountCents : undefined],
    ['Shipping', order.shippingCents],
    ['Tax', order.taxCents],
  ];
  for (const [label, cents] of optional) if (typeof cents === 'number') foot.push([label, '', '', money(cents)]);
  foot.push(['Total', '', '', money(order.totalCents)]);
  return {
    kind: 'table',
    head: ['Item', 'Qty', 'Price', 'Total'],
    rows: order.items.map((line) => [
      line.variantTitle && line.variantTitle !== 'Default' ? `${line.name} (${line.variantTitle})` : line.name,
      String(line.quantity),
      money(line.unitPriceCents),
      money(line.lineTotalCents),
    ]),
    foot,
  };
}

function addressText(address: NonNullable<OrderEmailData['order']['shippingAddress']>): string {
  return [
    address.name,
    address.line1,
    address.line2,
    [address.postalCode, address.city].join(' '),
    address.region,
    address.country,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The customer's email for an order event: the lines, the totals and where it goes. */
export function orderEmail({ kind, storeName, customerName, order }: OrderEmailData): EmailContent {
  const blocks: EmailBlock[] = [
    { kind: 'paragraph', text: customerName ? `Hello ${customerName},` : 'Hello,' },
    { kind: 'paragraph', text: intro[kind].text },
  ];
  const shipment = order.shipment;
  if (kind === 'order_shipped' && shipment && (shipment.carrier || shipment.trackingNumber)) {
    blocks.push({ kind: 'paragraph', text: `Carrier: ${shipment.carrier ?? '—'}\nTracking number: ${shipment.trackingNumber ?? '—'}` });
    if (shipment.trackingUrl) blocks.push({ kind: 'link', text: 'Track your parcel', href: shipment.trackingUrl });
  }
  blocks.push(orderTable(order));
  if (order.shippingAddress) blocks.push({ kind: 'paragraph', text: `Shipping to:\n${addressText(order.shippingAddress)}` });
  blocks.push({ kind: 'paragraph', text: `— ${storeName}` });
  return { subject: `${storeName}: ${intro[kind].subject(order.id)}`, blocks };
}

export function passwordResetEmail({ storeName, link, validMinutes }: { storeName: string; link: string; validMinutes: number }): EmailContent {
  return {
    subject: `${storeName}: reset your password`,
    blocks: [
      { kind: 'paragraph', text: 'Someone asked to reset the password of your account. If it was you, choose a new one here:' },
      { kind: 'link', text: 'Choose a new password', href: link },
      {
        kind: 'paragraph',
        text: `The link works once, for ${validMinutes} minutes. If you did not ask, ignore this email: your password stays as it is.`,
      },
      { kind: 'paragraph', text: `— ${storeName}` },
    ],
  };
}

export function lowStockDigestEmail({ storeName, items, day }: { storeName: string; items: LowStockItemDto[]; day: string }): EmailContent {
  return {
    subject: `${storeName}: ${items.length} variant${items.length === 1 ? '' : 's'} low on stock (${day})`,
    blocks: [
      { kind: 'paragraph', text: 'These variants are at or below their low-stock threshold:' },
      {
        kind: 'table',
        head: ['Product', 'SKU', 'Stock', 'Threshold'],
        rows: items.map((item) => [
          item.title && item.title !== 'Default' ? `${item.name} (${item.title})` : item.name,
          item.sku ?? '',
          String(item.stock),
          String(item.effectiveThreshold),
        ]),
      },
    ],
  };
}

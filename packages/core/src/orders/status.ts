import type { OrderStatus } from '@commerce/db';

const nextStatuses: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => nextStatuses[from].includes(to);

/**
 * Goods that never left the warehouse go back on the shelf: any cancellation, and a refund
 * of a paid order that was not shipped yet. A refund after shipping keeps stock as it is
 * (the goods are with the customer, or come back through a returns process).
 */
export const returnsStock = (from: OrderStatus, to: OrderStatus): boolean =>
  to === 'cancelled' || (from === 'paid' && to === 'refunded');

/**
 * Money goes back to the customer: a paid order cancelled (API.md: "paid → cancelled
 * (refunded)"), or a paid, shipped or delivered order refunded.
 */
export const refundsPayment = (from: OrderStatus, to: OrderStatus): boolean =>
  from !== 'pending' && (to === 'cancelled' || to === 'refunded');

/**
 * A pending order cancelled (by a person or by expiry): its open payment must stop taking
 * money, and a payment it captured that the store did not accept (a wrong amount) goes back.
 */
export const stopsPayment = (from: OrderStatus, to: OrderStatus): boolean => from === 'pending' && to === 'cancelled';

/**
 * Provider idempotency keys derived from the order, so every retry of /pay or of a refund, in
 * any process and after a restart, sends the same key. The creation time keeps two databases
 * that reuse order ids (a development reset against one Stripe account) from sharing keys.
 */
export const paymentKey = (order: { id: number; createdAt: Date }) =>
  `commerce-order-${order.id}-${order.createdAt.getTime()}-payment`;
export const refundKey = (order: { id: number; createdAt: Date }) =>
  `commerce-order-${order.id}-${order.createdAt.getTime()}-refund`;
export const captureKey = (order: { id: number; createdAt: Date }) =>
  `commerce-order-${order.id}-${order.createdAt.getTime()}-capture`;

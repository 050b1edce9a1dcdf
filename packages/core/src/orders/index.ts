export * from './schemas';
export { canTransition, refundsPayment, returnsStock } from './status';
export { actorFor, systemActor, type OrderActor, type UserActor } from './actor';
export { IDEMPOTENCY_TTL_MS, purgeExpiredIdempotencyKeys } from './idempotency';
export { placeOrder, submitOrder, writeOrder, type OrderSubmission } from './create';
export { getOrder, listMyOrders, listOrders, loadOrder } from './read';
export { cancelOrder, setOrderStatus, transitionOrder, transitionOrderInTx, type TransitionOptions } from './transition';

import type { OrderStatus, Transaction } from '@commerce/db';
import type { Deps } from '../deps';

/**
 * What orders need of payments. Payments depend on orders (a webhook moves an order), so
 * orders never import payments: they reach them through `deps.orderPayments`, which the
 * payments domain implements (payments/order-payments.ts).
 */
export interface OrderPayments {
  /**
   * Inside the transaction that moves an order to cancelled or refunded, before it commits:
   * gives back what the order's payment captured. Throws (so the move rolls back) when the
   * provider refuses. A pending order has captured nothing unless its payment arrived with an
   * amount the store would not accept; only then does it call the provider.
   */
  refundInTx(deps: Deps, tx: Transaction, move: { orderId: number; from: OrderStatus }): Promise<void>;
  /**
   * After a pending order's cancellation committed: makes its open payments unpayable at the
   * provider. Never throws: a payment that succeeds anyway reaches a cancelled order and is
   * refunded, and the expiry sweep retries what failed here.
   */
  cancelOpenPayments(deps: Deps, orderId: number): Promise<void>;
}

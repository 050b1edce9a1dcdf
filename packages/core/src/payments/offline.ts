import { AppError } from '../errors';
import type { CreatePaymentInput, PaymentEvent, PaymentProvider, PaymentSession, RefundResult } from './provider';

/**
 * The local default when no STRIPE_SECRET_KEY is set: no money moves through the store.
 * POST /orders/{id}/pay still answers (provider `offline`, deterministic ids), so storefronts
 * can be built against it; the customer pays some other way (cash, bank transfer) and staff
 * mark the order paid with PUT /orders/{id}/status. It takes no webhooks (the route is a 404)
 * and has nothing to refund.
 */
/** The name stored with payments opened without a provider: no money moved through them. */
export const OFFLINE_PROVIDER = 'offline';

export class OfflinePaymentProvider implements PaymentProvider {
  readonly name = OFFLINE_PROVIDER;
  readonly webhooks = false;

  async createPayment(input: CreatePaymentInput): Promise<PaymentSession> {
    return this.session(input.orderId);
  }

  async resumePayment(input: { orderId: number }): Promise<PaymentSession> {
    return this.session(input.orderId);
  }

  async cancelPayment(): Promise<'cancelled'> {
    return 'cancelled';
  }

  async refund(): Promise<RefundResult> {
    return { status: 'nothing_to_refund' };
  }

  async parseWebhook(): Promise<PaymentEvent> {
    throw new AppError('NOT_FOUND', 'This server takes no payment webhooks: no payment provider is configured');
  }

  // One payment per order, whoever asks and however often.
  private session(orderId: number): PaymentSession {
    return { paymentIntentId: `offline_pi_${orderId}`, clientSecret: `offline_secret_${orderId}`, approvalUrl: null };
  }
}

export * from './schemas';
export type {
  CreatePaymentInput,
  PaymentEffect,
  PaymentEvent,
  PaymentProvider,
  PaymentSession,
  RefundResult,
} from './provider';
export { OFFLINE_PROVIDER, OfflinePaymentProvider } from './offline';
export { StripePaymentProvider, type StripeProviderOptions } from './stripe';
export { paymentKey, refundKey } from './keys';
export { payOrder } from './pay';
export { refundOrderPaymentInTx } from './refund';
export { applyPaymentEvent, receivePaymentWebhook, type WebhookResult } from './webhook';

export * from './schemas';
export type {
  CaptureResult,
  CreatePaymentInput,
  PaymentEffect,
  PaymentEvent,
  PaymentProvider,
  PaymentSession,
  RefundResult,
  WebhookHeaders,
} from './provider';
export { PaymentProviders } from './registry';
export { cancelOpenPayments, ordersWithOpenPayments, paymentDeps } from './order-payments';
export { OFFLINE_PROVIDER, OfflinePaymentProvider } from './offline';
export { StripePaymentProvider, type StripeProviderOptions } from './stripe';
export { PayPalPaymentProvider, type PayPalProviderOptions } from './paypal';
export { paymentKey, refundKey } from './keys';
export { payOrder } from './pay';
export { refundOrderPaymentInTx } from './refund';
export { applyPaymentEvent, receivePaymentWebhook, type WebhookResult } from './webhook';

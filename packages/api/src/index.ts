export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from './root';
export { createContext, detachedRequest, SESSION_COOKIE, type Context, type RequestInfo } from './context';
export {
  createOpenApiDocument,
  INVOICE_PATH,
  ORDERS_EXPORT_PATH,
  PRODUCTS_EXPORT_PATH,
  OPENAPI_BASE_PATH,
  PAYPAL_WEBHOOK_PATH,
  PRODUCT_IMAGES_PATH,
  STOCK_EVENTS_PATH,
  STRIPE_WEBHOOK_PATH,
  successStatusOf,
} from './openapi';
export { exportRefusal, invoiceDownload, productImageUpload, type RestAnswer, type UploadRequest } from './uploads';
export { appErrorResponse, databaseUnavailable, errorHeaders } from './errors';

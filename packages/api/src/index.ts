export { appRouter, createCaller, type AppRouter, type RouterInputs, type RouterOutputs } from './root';
export { createContext, detachedRequest, SESSION_COOKIE, type Context, type RequestInfo } from './context';
export { createOpenApiDocument, OPENAPI_BASE_PATH } from './openapi';
export { errorHeaders } from './errors';

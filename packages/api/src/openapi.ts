import { generateOpenApiDocument } from 'trpc-to-openapi';
import { appRouter } from './root';

export const OPENAPI_BASE_PATH = '/api';

/** The storefront REST contract, generated from the routers so it cannot drift from them. */
export function createOpenApiDocument(baseUrl = OPENAPI_BASE_PATH) {
  return generateOpenApiDocument(appRouter, {
    title: 'Commerce storefront API',
    description:
      'REST for storefronts, generated from the tRPC routers. Money is integer minor units plus an ISO 4217 currency. Authenticate with `Authorization: Bearer <token>` from /auth/register or /auth/login.',
    version: '0.1.0',
    baseUrl,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'Session token from /auth/login or /auth/register' },
    },
  });
}

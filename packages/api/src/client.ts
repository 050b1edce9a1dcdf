import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './root';

export interface CommerceClientOptions {
  /** The server's tRPC endpoint, e.g. http://127.0.0.1:3000/trpc */
  url: string;
  /** A session token from auth.login or auth.register. */
  token?: string | (() => string | undefined);
  fetch?: typeof globalThis.fetch;
}

/** A typed client for TypeScript code outside this repo: every call is checked against AppRouter. */
export function createCommerceClient(options: CommerceClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        fetch: options.fetch,
        headers: () => {
          const token = typeof options.token === 'function' ? options.token() : options.token;
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export type CommerceClient = ReturnType<typeof createCommerceClient>;

import { createTRPCClient, httpBatchLink, TRPCClientError, type TRPCClient, type TRPCLink } from '@trpc/client';
import type { AppRouter } from './router.js';

export type { AppRouter, RouterInputs, RouterOutputs } from './router.js';

export interface CommerceClientOptions {
  /** The server's tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc`. */
  url: string;
  /** A session token from `auth.login` or `auth.register`; a function is asked on every request. */
  token?: string | (() => string | undefined);
  /** Another fetch (a test double, or a runtime without a global one). */
  fetch?: typeof globalThis.fetch;
}

/**
 * The link that carries every call. Queries and mutations made in the same tick share one
 * HTTP request. When the server grows subscriptions, this is the one place a `splitLink`
 * sends them to an `httpSubscriptionLink` instead.
 */
function transport(options: CommerceClientOptions): TRPCLink<AppRouter> {
  return httpBatchLink({
    url: options.url,
    fetch: options.fetch,
    // Batched queries travel in the URL: past this length the batch is split in two.
    maxURLLength: 2048,
    headers: () => {
      const token = typeof options.token === 'function' ? options.token() : options.token;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
}

/** A typed client of the Commerce API: every call is checked against `AppRouter`. */
export function createCommerceClient(options: CommerceClientOptions): CommerceClient {
  return createTRPCClient<AppRouter>({ links: [transport(options)] });
}

export type CommerceClient = TRPCClient<AppRouter>;

/** An error the server answered, with its `data` (code, httpStatus, and the details it names). */
export type CommerceClientError = TRPCClientError<AppRouter>;

export function isCommerceClientError(error: unknown): error is CommerceClientError {
  return error instanceof TRPCClientError;
}

'use client';

import type { AppRouter, RouterInputs, RouterOutputs } from '@commerce/api';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { toast } from 'sonner';

export type { RouterInputs, RouterOutputs };

/** The one tRPC setup of the admin: same-origin /trpc (middleware.ts forwards it), cookie session. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function makeTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // Subscriptions (the live feed) are Server-Sent Events; EventSource sends the cookie on its own.
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        false: httpBatchLink({ url: '/trpc', fetch: (input, init) => fetch(input, { ...init, credentials: 'same-origin' }) }),
      }),
    ],
  });
}

/** HTTP status of a failed call (401 signed out, 403 wrong role, 409 conflicts…), if it has one. */
export function errorStatus(error: unknown): number | undefined {
  return error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
}

/** A sentence for the user: the server's own message where it wrote one for people. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const status = errorStatus(error);
    if (status === undefined || status >= 500) return 'The server could not answer. Try again in a moment.';
    return asSentence(error.message);
  }
  return 'Something went wrong. Check your connection and try again.';
}

const asSentence = (text: string) => {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        // A 4xx will not change by asking again; a network blip might.
        retry: (failures, error) => {
          const status = errorStatus(error);
          return failures < 2 && (status === undefined || status >= 500);
        },
        refetchOnWindowFocus: false,
      },
    },
  });
}

/** The input field a refusal names (`data.field`), e.g. `sku` when another product has it. */
export function errorField(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { field?: string } | undefined)?.field : undefined;
}

/** A refused write as a form shows it: the message beside the field it names (other field errors cleared), and in a toast. */
export function showRefusal(error: unknown, setErrors: (errors: Record<string, string>) => void): void {
  const field = errorField(error);
  setErrors(field ? { [field]: errorMessage(error) } : {});
  toast.error(errorMessage(error));
}

/** The rule a refusal names (`data.reason`, e.g. `sku_taken`, `last_variant`), if any. */
export function errorReason(error: unknown): string | undefined {
  return error instanceof TRPCClientError ? (error.data as { reason?: string } | undefined)?.reason : undefined;
}

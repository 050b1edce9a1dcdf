import { AppError, pgErrorCode, type AppErrorCode } from '@commerce/core';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';

/** The one place where a core error code becomes a tRPC code (and so an HTTP status). */
const trpcCodeOf: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
};

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeOf[error.code], message: error.message, cause: error });
}

// Text Postgres cannot store: a NUL character (22021), or \u0000 inside JSON (22P05).
const unstorableText = new Set(['22021', '22P05']);

/**
 * The caller's fault turned into its status: an AppError by its code, text the database
 * refuses as a 400. Anything else stays as it was (a bug, so a 500).
 */
export function callerError(cause: unknown): TRPCError | undefined {
  if (cause instanceof AppError) return toTRPCError(cause);
  const code = pgErrorCode(cause);
  if (code && unstorableText.has(code)) {
    return new TRPCError({ code: 'BAD_REQUEST', message: 'Text must not contain NUL (\\u0000) characters', cause });
  }
  return undefined;
}

/** Headers an error asks for, e.g. Retry-After on a 429. */
export function errorHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const error of errors) {
    const retryAfter = error.cause instanceof AppError ? error.cause.details.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(retryAfter)));
  }
  return headers;
}

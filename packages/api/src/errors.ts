import {
  AppError,
  isDatabaseUnavailable,
  isRuleCode,
  pgErrorCode,
  reasonOf,
  type AppErrorCode,
  type Reason,
  type RuleCode,
} from '@commerce/core';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';

/** The one place where a core error code becomes a tRPC code (and so an HTTP status). */
const trpcCodeOf: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  BAD_GATEWAY: 'BAD_GATEWAY',
  // A rule broken by what was sent is a 400; one broken by the state of the store a 409.
  ORDER_TOO_LARGE: 'BAD_REQUEST',
  VARIANT_REQUIRED: 'BAD_REQUEST',
  VARIANT_MISMATCH: 'BAD_REQUEST',
  INVALID_OPTION_VALUE: 'BAD_REQUEST',
  PRODUCT_HAS_VARIANTS: 'BAD_REQUEST',
  COUPON_INVALID: 'BAD_REQUEST',
  SHIPPING_METHOD_REQUIRED: 'BAD_REQUEST',
  SHIPPING_METHOD_UNAVAILABLE: 'BAD_REQUEST',
  OUT_OF_STOCK: 'CONFLICT',
  INSUFFICIENT_STOCK: 'CONFLICT',
  STOCK_LIMIT: 'CONFLICT',
  LINE_UNAVAILABLE: 'CONFLICT',
  CART_EMPTY: 'CONFLICT',
  CART_FULL: 'CONFLICT',
  QUANTITY_LIMIT: 'CONFLICT',
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  IDEMPOTENCY_ORDER_GONE: 'CONFLICT',
  ILLEGAL_TRANSITION: 'CONFLICT',
  PENDING_ORDER_LIMIT: 'CONFLICT',
  ORDER_NOT_PAYABLE: 'CONFLICT',
  NOTHING_TO_PAY: 'CONFLICT',
  PAYMENT_PROCESSING: 'CONFLICT',
  PAYMENT_PROVIDER_UNAVAILABLE: 'CONFLICT',
  EMAIL_TAKEN: 'CONFLICT',
  LAST_ADMIN: 'CONFLICT',
  ACCOUNT_BUSY: 'CONFLICT',
  SKU_TAKEN: 'CONFLICT',
  SLUG_UNAVAILABLE: 'CONFLICT',
  CATEGORY_CYCLE: 'CONFLICT',
  CATEGORY_IN_USE: 'CONFLICT',
  DUPLICATE_VARIANT: 'CONFLICT',
  LAST_VARIANT: 'CONFLICT',
  COUPON_EXHAUSTED: 'CONFLICT',
  COUPON_CODE_TAKEN: 'CONFLICT',
  TAX_RATE_TAKEN: 'CONFLICT',
  ADDRESS_BOOK_FULL: 'CONFLICT',
  WISHLIST_FULL: 'CONFLICT',
  ALREADY_REVIEWED: 'CONFLICT',
  DELIVERY_PENDING: 'CONFLICT',
  RESET_TOKEN_INVALID: 'BAD_REQUEST',
  ORDER_NOT_INVOICED: 'CONFLICT',
};

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeOf[error.code], message: error.message, cause: error });
}

/** The status a rule answers with, for the OpenAPI document. */
export const statusOfRule = (code: RuleCode): 400 | 409 => (trpcCodeOf[code] === 'CONFLICT' ? 409 : 400);

interface ErrorFacts {
  reason?: Reason;
  field?: string;
  productId?: number;
  variantId?: number;
}

/** What an error body says beyond message and code: the rule's reason and the ids concerned. */
export function errorFacts(error: unknown): ErrorFacts {
  if (!(error instanceof AppError)) return {};
  const { field, productId, variantId } = error.details;
  const facts: ErrorFacts = { field, productId, variantId, reason: isRuleCode(error.code) ? reasonOf(error.code) : undefined };
  return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined));
}

/** An AppError as a plain HTTP answer, for routes outside tRPC (the Stripe webhook). */
export function appErrorResponse(error: AppError): { status: number; body: { message: string; code: string; reason?: Reason; data?: Omit<ErrorFacts, 'reason'> } } {
  const trpcError = toTRPCError(error);
  const { reason, ...facts } = errorFacts(error);
  return {
    status: getHTTPStatusCodeFromError(trpcError),
    body: {
      message: error.message,
      code: trpcError.code,
      ...(reason && { reason }),
      ...(Object.keys(facts).length > 0 && { data: facts }),
    },
  };
}

// Text Postgres cannot store: a NUL character (22021), or \u0000 inside JSON (22P05).
const unstorableText = new Set(['22021', '22P05']);

/**
 * The caller's fault turned into its status: an AppError by its code, text the database
 * refuses as a 400. Anything else stays as it was (a bug, so a 500).
 */
export function callerError(cause: unknown): TRPCError | undefined {
  if (cause instanceof AppError) return toTRPCError(cause);
  if (isDatabaseUnavailable(cause)) return databaseUnavailable(cause);
  const code = pgErrorCode(cause);
  if (code && unstorableText.has(code)) {
    return new TRPCError({ code: 'BAD_REQUEST', message: 'Text must not contain NUL (\\u0000) characters', cause });
  }
  return undefined;
}

/** A 503 for a request that met the database down or restarting: the caller may retry. */
export function databaseUnavailable(cause: unknown): TRPCError {
  return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The database is unavailable: try again shortly', cause });
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

/** Who may call a route, as its procedure says: decides the route's 401 and 403. */
export type RouteAccess = 'public' | 'signedIn' | 'staff' | 'admin';

export interface RouteShape {
  access: RouteAccess;
  /**
   * A mutation: with a session cookie (not a bearer token) it needs an allowed Origin, else a
   * 403 (guardCall in trpc.ts, which guards public mutations too).
   */
  mutation?: boolean;
  /** Has query, path or body input, which can fail validation (400 with `issues`). */
  input?: boolean;
  /** Takes a JSON body: malformed JSON is a 400, a body over the size limit a 413. */
  body?: boolean;
}

/** Texts by status, for `meta.openapi.errorResponses`: the error statuses a REST route can answer. */
export type ErrorResponses = Record<number, string>;

/**
 * The `errorResponses` of a route (they replace trpc-to-openapi's guesses): the statuses its
 * procedure type, input and body imply, plus `specific` ones, the texts of what only this route
 * does (404, 409, 429, or a 400 beyond validation). A specific text for a status the shape
 * already gives is appended to it.
 */
export function errorResponses(shape: RouteShape, specific: ErrorResponses = {}): ErrorResponses {
  const parts: Record<number, string[]> = {};
  const add = (status: number, text: string | undefined) => {
    if (text) (parts[status] ??= []).push(text);
  };
  if (shape.input || shape.body) add(400, 'Input fails validation (`issues` lists each problem)');
  if (shape.body) add(400, 'malformed JSON');
  if (shape.access !== 'public') add(401, 'Token missing, malformed, expired or revoked');
  if (shape.access === 'staff') add(403, 'Staff or admin role required');
  if (shape.access === 'admin') add(403, 'Admin role required');
  if (shape.mutation) add(403, 'cross-site request refused: a session cookie authenticated it without an allowed Origin header');
  if (shape.body) add(413, 'Body over the size limit (1 MiB by default)');
  add(429, 'Too many requests from this address, or by this user (`Retry-After` says how many seconds to wait)');
  for (const [status, text] of Object.entries(specific)) add(Number(status), text);
  add(500, 'Internal error: a bug or an unavailable database (the message is generic)');
  const responses: ErrorResponses = {};
  for (const [status, texts] of Object.entries(parts)) {
    const [first = '', ...rest] = texts;
    responses[Number(status)] = [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join('; ');
  }
  return responses;
}

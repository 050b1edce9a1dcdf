/** Failures that say all they mean by their kind; the api package maps each to one HTTP status. */
export type GenericErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  /** An outside service the request needs (the payment provider) failed or refused: retry later. */
  | 'BAD_GATEWAY';

/**
 * Business rules a caller can run into. Each one reaches clients as a stable snake_case
 * `reason` (the code in lower case) that storefronts branch on; a code never changes meaning,
 * new rules add new codes. Core never chooses their HTTP status: the api package does.
 */
export const ruleCodes = [
  'OUT_OF_STOCK',
  'INSUFFICIENT_STOCK',
  'STOCK_LIMIT',
  'LINE_UNAVAILABLE',
  'CART_EMPTY',
  'CART_FULL',
  'QUANTITY_LIMIT',
  'ORDER_TOO_LARGE',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_ORDER_GONE',
  'ILLEGAL_TRANSITION',
  'PENDING_ORDER_LIMIT',
  'ORDER_NOT_PAYABLE',
  'NOTHING_TO_PAY',
  'PAYMENT_PROCESSING',
  'PAYMENT_PROVIDER_UNAVAILABLE',
  'EMAIL_TAKEN',
  'LAST_ADMIN',
  'ACCOUNT_BUSY',
  'SKU_TAKEN',
  'SLUG_UNAVAILABLE',
  'CATEGORY_CYCLE',
  'CATEGORY_IN_USE',
  'VARIANT_REQUIRED',
  'VARIANT_MISMATCH',
  'DUPLICATE_VARIANT',
  'LAST_VARIANT',
  'INVALID_OPTION_VALUE',
  'PRODUCT_HAS_VARIANTS',
  'COUPON_INVALID',
  'COUPON_EXHAUSTED',
  'COUPON_CODE_TAKEN',
  'SHIPPING_METHOD_REQUIRED',
  'SHIPPING_METHOD_UNAVAILABLE',
  'TAX_RATE_TAKEN',
  'ADDRESS_BOOK_FULL',
  'WISHLIST_FULL',
  'ALREADY_REVIEWED',
  'DELIVERY_PENDING',
  'RESET_TOKEN_INVALID',
  'ORDER_NOT_INVOICED',
] as const;
export type RuleCode = (typeof ruleCodes)[number];

export type AppErrorCode = GenericErrorCode | RuleCode;

/** The `reason` clients see for a rule: its code in snake_case. */
export const reasonOf = (code: RuleCode) => code.toLowerCase() as Lowercase<RuleCode>;
export type Reason = Lowercase<RuleCode>;

export const isRuleCode = (code: AppErrorCode): code is RuleCode => (ruleCodes as readonly string[]).includes(code);

export interface AppErrorDetails {
  /** The input field at fault, e.g. `categoryId`. */
  field?: string;
  /** For TOO_MANY_REQUESTS: when the caller may try again. */
  retryAfterSeconds?: number;
  /** The product concerned (stock, availability). */
  productId?: number;
  /** The variant concerned (stock, availability). */
  variantId?: number;
}

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: AppErrorDetails = {},
    /** `cause`: the underlying failure, for the logs (never shown to the caller). */
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/** The first string `pick` finds on a driver error or along its cause chain (Drizzle wraps driver errors). */
function fromErrorChain(error: unknown, pick: (e: Record<string, unknown>) => unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const found = pick(e as Record<string, unknown>);
    if (typeof found === 'string') return found;
  }
  return undefined;
}

/** Postgres SQLSTATE of a driver error (postgres.js and PGlite both expose `code`). */
export const pgErrorCode = (error: unknown) =>
  fromErrorChain(error, (e) => (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined));

// Driver codes (postgres.js, Node sockets) of a database that cannot be reached or hung up.
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * The database is down, restarting or dropped the connection (SQLSTATE class 08, 57P01–57P03,
 * or a socket failure): the request may succeed later, so it is a 503, not a bug.
 */
export const isDatabaseUnavailable = (error: unknown) =>
  fromErrorChain(error, (e) =>
    typeof e.code === 'string' && (CONNECTION_FAILURES.has(e.code) || /^(?:08...|57P0[123])$/.test(e.code)) ? e.code : undefined,
  ) !== undefined;

/** The constraint a Postgres error names (postgres.js: constraint_name, PGlite: constraint). */
export const pgConstraint = (error: unknown) => fromErrorChain(error, (e) => e.constraint_name ?? e.constraint);

export const isUniqueViolation = (error: unknown, constraint: string) =>
  pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === constraint;

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';

/** Errors a caller can cause. The api package maps each code to one tRPC/HTTP status. */
export type AppErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'TOO_MANY_REQUESTS'
  /** An outside service the request needs (the payment provider) failed or refused: retry later. */
  | 'BAD_GATEWAY';

export interface AppErrorDetails {
  /** The input field at fault, e.g. `categoryId`. */
  field?: string;
  /** For TOO_MANY_REQUESTS: when the caller may try again. */
  retryAfterSeconds?: number;
  /** For stock conflicts: the product that ran short. */
  productId?: number;
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

/** The constraint a Postgres error names (postgres.js: constraint_name, PGlite: constraint). */
export const pgConstraint = (error: unknown) => fromErrorChain(error, (e) => e.constraint_name ?? e.constraint);

export const isUniqueViolation = (error: unknown, constraint: string) =>
  pgErrorCode(error) === PG_UNIQUE_VIOLATION && pgConstraint(error) === constraint;

export const PG_UNIQUE_VIOLATION = '23505';
export const PG_FOREIGN_KEY_VIOLATION = '23503';
export const PG_CHECK_VIOLATION = '23514';

import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream, type Logger } from 'pino';

// Fields a database error may carry that can hold request data (tokens, addresses, hashes).
const KEPT_FIELDS = ['code', 'constraint_name', 'table_name', 'column_name', 'routine', 'statusCode'] as const;

/** Drizzle appends every bound parameter to its "Failed query" message and stack. */
const scrub = (text: string | undefined) => text?.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, '\nparams: [redacted]');

/**
 * The `err` serializer: type, message, stack, SQLSTATE and constraint, and the same for the
 * cause chain; never query parameters or a driver's copy of the request.
 */
export function safeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: typeof error === 'string' ? error : 'non-error thrown' };
  const fields = error as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { type: error.name, message: scrub(error.message), stack: scrub(error.stack) };
  for (const key of KEPT_FIELDS) {
    if (typeof fields[key] === 'string' || typeof fields[key] === 'number') out[key] = fields[key];
  }
  if (error.cause !== undefined && depth < 4) out.cause = safeError(error.cause, depth + 1);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      serializers: { err: safeError },
    },
    destination,
  );
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A client's X-Request-Id is kept (to follow a request across services) only when it is a
 * short token of safe characters: anything else could forge or break log lines and headers.
 */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

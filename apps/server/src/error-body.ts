import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/unstable-core-do-not-import';

const codeOfStatus: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

export const TRPC_PREFIX = '/trpc/';

/** How many calls a tRPC URL carries (`a,b,c` with `?batch=1`): a batch answer has one entry each. */
function trpcCalls(url: string): number | null {
  const [path = '', query = ''] = url.slice(TRPC_PREFIX.length).split('?');
  if (!new URLSearchParams(query).has('batch')) return null;
  return Math.min(path.split(',').length, 100);
}

/**
 * The body of an error answered outside the procedures (the body parser, a rate limit, the
 * size limit): `{ message, code }` for REST, tRPC's own error shape on /trpc (one per call of a
 * batch), so each kind of client reads it as it reads any other error.
 */
export function errorBody(url: string, status: number, message: string): unknown {
  const code = codeOfStatus[status] ?? 'INTERNAL_SERVER_ERROR';
  if (!url.startsWith(TRPC_PREFIX)) return { message, code };
  const error = { error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus: status } } };
  const calls = trpcCalls(url);
  return calls === null ? error : Array.from({ length: calls }, () => error);
}

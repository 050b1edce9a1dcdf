import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TRPC_PREFIX } from './error-body';

// No request needs more; deeper input would overflow the stack of recursive code downstream.
export const MAX_JSON_DEPTH = 32;

/** How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* backslash */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) deepest = Math.max(deepest, ++depth);
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}

export const tooDeep = () =>
  Object.assign(new Error(`JSON input nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 });

/**
 * The tRPC adapter parses its input itself (the body as a string, or `?input=` on queries), so
 * the depth limit of the JSON parser is applied to both here, before it sees them.
 */
export function registerTrpcDepthGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (req: FastifyRequest) => {
    if (!req.url.startsWith(TRPC_PREFIX)) return;
    const input = (req.query as Record<string, unknown> | undefined)?.input;
    for (const text of [req.body, input]) {
      if (typeof text === 'string' && jsonDepth(text) > MAX_JSON_DEPTH) throw tooDeep();
    }
  });
}

/**
 * Bytes of an over-limit body read and thrown away before the 413 goes out. A client that is
 * still uploading (fetch() sends the whole body before it reads the answer) gets a connection
 * reset instead of the 413 if the server stops reading; past this bound it gets the reset.
 */
export const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const MAX_DRAIN_MS = 10_000;

/**
 * Reads and discards the rest of the request body; resolves true once it ended, false when the
 * bound was reached first (then the connection must close: unread bytes are still on it).
 */
export function drainRequest(req: FastifyRequest): Promise<boolean> {
  const raw = req.raw;
  if (raw.complete) return Promise.resolve(true);
  if (raw.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    let drained = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      raw.off('data', onData).off('end', onEnd).off('error', onStop).off('close', onStop);
      if (!ended) raw.pause();
      resolve(ended);
    };
    const onEnd = () => finish(true);
    const onStop = () => finish(false);
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > MAX_DRAIN_BYTES) finish(false);
    };
    const timer = setTimeout(onStop, MAX_DRAIN_MS);
    raw.on('data', onData).once('end', onEnd).once('error', onStop).once('close', onStop);
    raw.resume();
  });
}

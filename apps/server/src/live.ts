import { once } from 'node:events';
import { STOCK_EVENTS_PATH } from '@commerce/api';
import { type Deps, type LiveMessage, stockOf, stockStreamQuery } from '@commerce/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from './error-body';

export interface StockStreamOptions {
  deps: Deps;
  /** Streams held open by this process at once; more are a 503 (each holds a socket). */
  maxStreams: number;
  /** Comment lines that keep idle proxies from closing a quiet stream. */
  heartbeatMs?: number;
}

const MAX_EVENT_ID_LENGTH = 64;

/**
 * Server-Sent Events: the admin's tRPC subscriptions (served by the tRPC adapter) and
 * GET /api/events/stock?productIds=1,2,3 for storefronts. A new stream starts
 * with the current figure of every live variant of the listed products; then each change, from
 * any server process, as it commits. A reconnect (`Last-Event-ID`) gets what it missed, or a
 * `reset` followed by fresh figures when that fell out of the replay buffer.
 */
export function registerLiveStreams(app: FastifyInstance, { deps, maxStreams, heartbeatMs = 15_000 }: StockStreamOptions): void {
  const open = new Set<AbortController>();
  const streams = new Set<FastifyRequest>();
  app.addHook('onRequest', async (req) => {
    if (!req.headers.accept?.includes('text/event-stream')) return;
    streams.add(req);
    req.raw.once('close', () => streams.delete(req));
  });
  // A stream never ends by itself, and would hold the server open: closing the server ends
  // them (EventSource reconnects, to another process), so it can drain.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.abort();
    for (const req of streams) req.raw.socket?.destroy();
  });

  app.get(STOCK_EVENTS_PATH, async (req, reply) => {
    const query = stockStreamQuery.safeParse(req.query);
    if (!query.success) {
      const message = query.error.issues[0]?.message ?? 'productIds: comma-separated product ids';
      return reply.status(400).send({ ...(errorBody(req.url, 400, message) as object), data: { field: 'productIds' } });
    }
    if (open.size >= maxStreams) {
      return reply.status(503).header('retry-after', '5').send(errorBody(req.url, 503, 'Too many live streams on this server: retry shortly'));
    }
    const header = req.headers['last-event-id'];
    const lastEventId = typeof header === 'string' && header.length <= MAX_EVENT_ID_LENGTH ? header : undefined;
    const productIds = new Set(query.data.productIds);

    const stream = new AbortController();
    open.add(stream);
    req.raw.on('close', () => stream.abort());
    const { signal } = stream;
    // Subscribed before the first figures are read, so no change falls between the two.
    const messages = deps.live.subscribe({ lastEventId, signal });

    reply.hijack();
    const res = reply.raw;
    for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    const write = async (text: string) => {
      if (!res.write(text)) await once(res, 'drain', { signal });
    };
    const sendFigures = async () => {
      for (const figure of await stockOf(deps, [...productIds])) await write(`event: stock\ndata: ${JSON.stringify(figure)}\n\n`);
    };
    const heartbeat = setInterval(() => void write(': ping\n\n').catch(() => {}), heartbeatMs);
    try {
      if (!lastEventId) await sendFigures();
      for await (const message of messages) {
        const text = stockEventText(message, productIds);
        if (text) await write(text);
        if (message.event.type === 'reset') await sendFigures();
      }
    } catch {
      // The client left, or the database is down: end the stream; EventSource reconnects.
    } finally {
      clearInterval(heartbeat);
      open.delete(stream);
      stream.abort();
      res.end();
    }
  });
}

/** One message as this stream shows it, or null when it is about something else. */
function stockEventText(message: LiveMessage, productIds: ReadonlySet<number>): string | null {
  const { event } = message;
  if (event.type === 'reset') return `id: ${message.id}\nevent: reset\ndata: {}\n\n`;
  if (event.type !== 'stock' || !event.public || !productIds.has(event.productId)) return null;
  const { productId, variantId, stock, available } = event;
  return `id: ${message.id}\nevent: stock\ndata: ${JSON.stringify({ productId, variantId, stock, available })}\n\n`;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

function addressOf(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * The ceiling: a bare node:http server answering a fixed JSON body. No HTTP answer on this
 * machine can be cheaper, so every other scenario is read as a fraction of this one.
 */
export async function startNodeHttp(body: string): Promise<Listening> {
  const payload = Buffer.from(body);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': payload.length });
    res.end(payload);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: addressOf(server),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The Fastify floor: one plain route answering the same body, no plugins, no logger. */
export async function startBareFastify(body: string): Promise<Listening> {
  const app = Fastify({ logger: false });
  app.get('/', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: () => app.close() };
}

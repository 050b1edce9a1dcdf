import type { IncomingMessage } from 'node:http';

/** What the local fakes of payment APIs read from each request: method, path, body text and one header. */
export async function readRequest(req: IncomingMessage, header: string) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const value = req.headers[header];
  const url = new URL(req.url ?? '/', 'http://fake');
  return {
    raw: Buffer.concat(chunks).toString(),
    method: req.method ?? 'GET',
    url,
    path: url.pathname,
    header: Array.isArray(value) ? value[0] : value,
  };
}

import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** `Commerce-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

// Addresses a webhook must not reach: this host, the private networks behind it, link-local
// (cloud metadata at 169.254.169.254), and the ranges that are not one host.
const forbidden = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  forbidden.addSubnet(net, bits, 'ipv6');
}

/** Whether `address` is private, loopback, link-local or otherwise not a public host. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return forbidden.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return forbidden.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class WebhookRefused extends Error {
  override name = 'WebhookRefused';
}

/**
 * Resolves `hostname` once and checks every address it has: the connection then goes to the
 * address checked here, never to a second answer that DNS might give (DNS rebinding).
 */
export async function resolveTarget(hostname: string, allowPrivate: boolean): Promise<{ address: string; family: 4 | 6 }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const found = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  if (!found.length) throw new WebhookRefused(`${hostname} has no address`);
  if (!allowPrivate) {
    const bad = found.find((entry) => isForbiddenAddress(entry.address));
    if (bad) throw new WebhookRefused(`${hostname} resolves to ${bad.address}, a private, loopback or link-local address`);
  }
  return { address: found[0]!.address, family: found[0]!.family === 6 ? 6 : 4 };
}

export interface WebhookAttempt {
  statusCode: number | null;
  latencyMs: number;
  /** The first bytes of the answer. */
  responseBody: string | null;
  /** Why there was no 2xx answer; null on success. */
  error: string | null;
}

export interface SendWebhookOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
  /** How much of the answer is kept for the log. */
  keepBytes?: number;
}

/** POSTs `body` once; never throws: the answer, or why there was none, is the attempt's record. */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookAttempt> {
  const started = performance.now();
  const keepBytes = options.keepBytes ?? 1024;
  const done = (fields: Omit<WebhookAttempt, 'latencyMs'>): WebhookAttempt => ({ ...fields, latencyMs: Math.round(performance.now() - started) });
  let target: { address: string; family: 4 | 6 };
  const url = new URL(options.url);
  try {
    target = await resolveTarget(url.hostname, options.allowPrivate);
  } catch (error) {
    return done({ statusCode: null, responseBody: null, error: error instanceof Error ? error.message : String(error) });
  }
  const pinned: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  return new Promise<WebhookAttempt>((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body), ...options.headers },
        lookup: pinned,
        timeout: options.timeoutMs,
        // A redirect is not followed: its target would escape the address check.
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < keepBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', () => {
          const statusCode = response.statusCode ?? null;
          const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
          const responseBody = Buffer.concat(chunks).subarray(0, keepBytes).toString('utf8');
          resolve(done({ statusCode, responseBody, error: ok ? null : `answered ${statusCode}` }));
        });
        response.on('error', (error) => resolve(done({ statusCode: response.statusCode ?? null, responseBody: null, error: error.message })));
      },
    );
    // The whole exchange is held to the timeout, not only the wait for the first byte.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', (error) => resolve(done({ statusCode: null, responseBody: null, error: error.message })));
    request.on('close', () => clearTimeout(deadline));
    request.end(options.body);
  });
}

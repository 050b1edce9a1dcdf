import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, spawnServer, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local webhook receiver; `answer` decides each reply (return false to never answer). */
async function startReceiver() {
  const state = {
    received: [] as Received[],
    answer: (_n: number, res: ServerResponse): boolean => {
      res.writeHead(200).end('ok');
      return true;
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.received.push({ headers: req.headers, body });
      state.answer(state.received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/hooks`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function verify(secret: string, received: Received) {
  const parts = Object.fromEntries(String(received.headers['commerce-signature']).split(',').map((kv) => kv.split('=') as [string, string]));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${received.body}`).digest('hex');
  return { valid: parts.v1 === expected, t: Number(parts.t) };
}

describe('outgoing webhooks', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let admin: { token: string };
  let staff: { token: string };
  let customer: { token: string };
  let mailDir: string;
  const clockState = { now: new Date() };
  const later = (seconds: number) => (clockState.now = new Date(clockState.now.getTime() + seconds * 1000));

  beforeAll(async () => {
    mailDir = await mkdtemp(path.join(tmpdir(), 'commerce-mail-'));
    receiver = await startReceiver();
    server = await startTestServer({ WEBHOOKS_ALLOW_PRIVATE: 'true', MAIL_DIR: mailDir });
    server.runtime.deps.clock = { now: () => clockState.now };
    admin = await createUserWithToken(server.runtime, 'admin');
    staff = await createUserWithToken(server.runtime, 'staff');
    customer = await createUserWithToken(server.runtime);
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await rm(mailDir, { recursive: true, force: true });
  });

  async function createEndpoint(events: string[], url = receiver.url) {
    const res = await server.request('POST', '/api/webhook-endpoints', { token: admin.token, body: { url, events, description: 'test' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { id: number; secret: string };
  }
  async function paidOrder() {
    const productId = await createProduct(server.runtime.deps.db, { stock: 100 });
    const placed = await server.request('POST', '/api/orders', { token: customer.token, body: { items: [{ productId, quantity: 1 }] } });
    const orderId = (placed.body as { id: number }).id;
    expect((await server.request('PUT', `/api/orders/${orderId}/status`, { token: staff.token, body: { status: 'paid' } })).status).toBe(200);
    return orderId;
  }
  const deliveries = async (endpointId: number) =>
    (await server.request('GET', `/api/webhook-endpoints/${endpointId}/deliveries`, { token: admin.token })).body as {
      items: { id: number; status: string; attempts: number; responseStatus: number | null; latencyMs: number | null; responseBody: string | null; error: string | null; eventType: string }[];
    };
  const disable = (id: number) => server.request('PUT', `/api/webhook-endpoints/${id}`, { token: admin.token, body: { isActive: false } });

  it('shows the secret once, validates endpoints, and manages them', async () => {
    const endpoint = await createEndpoint(['order.paid']);
    expect(endpoint.secret).toMatch(/^whsec_/);
    const list = await server.request('GET', '/api/webhook-endpoints', { token: admin.token });
    expect(JSON.stringify(list.body)).not.toContain(endpoint.secret);
    for (const body of [
      { url: 'ftp://example.com/x', events: ['order.paid'] },
      { url: 'not a url', events: ['order.paid'] },
      { url: receiver.url, events: ['order.exploded'] },
      { url: receiver.url, events: [] },
      { url: receiver.url, events: ['order.paid', 'order.paid'] },
    ]) {
      expect((await server.request('POST', '/api/webhook-endpoints', { token: admin.token, body })).status, JSON.stringify(body)).toBe(400);
    }
    const updated = await server.request('PUT', `/api/webhook-endpoints/${endpoint.id}`, { token: admin.token, body: { events: ['order.shipped'], description: '' } });
    expect(updated.body).toMatchObject({ events: ['order.shipped'], description: null });
    expect((await server.request('DELETE', `/api/webhook-endpoints/${endpoint.id}`, { token: admin.token })).body).toEqual({ success: true });
    expect((await server.request('DELETE', `/api/webhook-endpoints/${endpoint.id}`, { token: admin.token })).status).toBe(404);
    expect((await server.request('GET', `/api/webhook-endpoints/${endpoint.id}/deliveries`, { token: admin.token })).status).toBe(404);
  });

  it('delivers a signed event to the endpoints that want it, once', async () => {
    const wanted = await createEndpoint(['order.paid', 'order.created']);
    const other = await createEndpoint(['product.updated']);
    receiver.received.length = 0;
    const orderId = await paidOrder();
    await server.runtime.dispatcher.drain();
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { id: string; type: string; createdAt: string; data: { order: { id: number; status: string } } });
    expect(bodies.map((b) => b.type).sort()).toEqual(['order.created', 'order.paid']);
    const paid = receiver.received[bodies.findIndex((b) => b.type === 'order.paid')]!;
    const body = JSON.parse(paid.body) as (typeof bodies)[number];
    expect(body.data.order).toMatchObject({ id: orderId, status: 'paid' });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(paid.headers['commerce-event-id']).toBe(body.id);
    const { valid, t } = verify(wanted.secret, paid);
    expect(valid).toBe(true);
    expect(Math.abs(t - clockState.now.getTime() / 1000)).toBeLessThan(2);
    expect(verify(other.secret, paid).valid).toBe(false);
    const log = await deliveries(wanted.id);
    expect(log.items).toHaveLength(2);
    expect(log.items[0]).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200, responseBody: 'ok', error: null });
    expect(log.items[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await deliveries(other.id)).items).toEqual([]);
    await disable(wanted.id);
    await disable(other.id);
  });

  it('retries with backoff on the clock (fails twice, then succeeds), and gives up after 6 tries; retry by hand', async () => {
    const endpoint = await createEndpoint(['order.paid']);
    receiver.received.length = 0;
    receiver.answer = (n, res) => {
      if (n <= 2) res.writeHead(500).end('x'.repeat(5000));
      else res.writeHead(204).end();
      return true;
    };
    await paidOrder();
    await server.runtime.dispatcher.drain();
    let [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500, error: 'answered 500' });
    expect(delivery!.responseBody).toHaveLength(1024);
    later(59);
    await server.runtime.dispatcher.drain();
    expect(receiver.received).toHaveLength(1);
    later(1);
    await server.runtime.dispatcher.drain();
    expect(receiver.received).toHaveLength(2);
    later(6 * 60);
    await server.runtime.dispatcher.drain();
    [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, responseStatus: 204 });
    // The same event each time.
    expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id)).size).toBe(1);

    // Always failing: 6 tries over about a day, then failed.
    receiver.received.length = 0;
    receiver.answer = (_n, res) => {
      res.writeHead(503).end('down');
      return true;
    };
    await paidOrder();
    let elapsed = 0;
    for (let i = 0; i < 8; i++) {
      await server.runtime.dispatcher.drain();
      later(60 * 6 ** i);
      elapsed += 60 * 6 ** i;
    }
    expect(receiver.received).toHaveLength(6);
    [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'failed', attempts: 6, responseStatus: 503, responseBody: 'down' });
    expect(elapsed).toBeGreaterThan(86_400);

    receiver.answer = (_n, res) => {
      res.writeHead(200).end('back');
      return true;
    };
    const retried = await server.request('POST', `/api/webhook-deliveries/${delivery!.id}/retry`, { token: admin.token });
    expect(retried.body).toMatchObject({ status: 'pending' });
    const twice = await server.request('POST', `/api/webhook-deliveries/${delivery!.id}/retry`, { token: admin.token });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ reason: 'delivery_pending' });
    await server.runtime.dispatcher.drain();
    [delivery] = (await deliveries(endpoint.id)).items;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 7, responseBody: 'back' });
    expect((await server.request('POST', '/api/webhook-deliveries/999999/retry', { token: admin.token })).status).toBe(404);
    await disable(endpoint.id);
  });

  it('delivers what a process killed mid-delivery was sending, with the same event id', async () => {
    // The spawned process runs on the real clock: rows must be due for it.
    clockState.now = new Date();
    const endpoint = await createEndpoint(['order.paid']);
    receiver.received.length = 0;
    let hold: () => void = () => undefined;
    const firstArrived = new Promise<void>((resolve) => (hold = resolve));
    receiver.answer = (n, res) => {
      if (n === 1) {
        hold(); // never answered: the process is killed while it waits
        return false;
      }
      res.writeHead(200).end('ok');
      return true;
    };
    const child = await spawnServer({ ...server.env, OUTBOX_POLL_MS: '100', LOG_LEVEL: 'silent' });
    try {
      await paidOrder();
      await Promise.race([firstArrived, new Promise((_, reject) => setTimeout(() => reject(new Error(`no delivery:\n${child.output()}`)), 30_000))]);
      child.child.kill('SIGKILL');
      await child.stop();
    } finally {
      if (child.child.exitCode === null) child.child.kill('SIGKILL');
    }
    // Its lease (60 s) must run out first.
    await server.runtime.dispatcher.drain();
    expect(receiver.received).toHaveLength(1);
    clockState.now = new Date(Date.now() + 61_000);
    await server.runtime.dispatcher.drain();
    expect(receiver.received).toHaveLength(2);
    expect(JSON.parse(receiver.received[1]!.body).id).toBe(JSON.parse(receiver.received[0]!.body).id);
    expect((await deliveries(endpoint.id)).items[0]).toMatchObject({ status: 'succeeded' });
    await disable(endpoint.id);
  });
});

describe('webhooks to private addresses', () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTestServer({});
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('are refused unless WEBHOOKS_ALLOW_PRIVATE=true, whatever the name resolves from', async () => {
    const admin = await createUserWithToken(server.runtime, 'admin');
    const ids: number[] = [];
    for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost')]) {
      const res = await server.request('POST', '/api/webhook-endpoints', { token: admin.token, body: { url, events: ['product.updated'] } });
      ids.push((res.body as { id: number }).id);
    }
    const productId = await createProduct(server.runtime.deps.db);
    const staff = await createUserWithToken(server.runtime, 'staff');
    expect((await server.request('PUT', `/api/products/${productId}`, { token: staff.token, body: { description: 'new' } })).status).toBe(200);
    await server.runtime.dispatcher.drain();
    expect(receiver.received).toEqual([]);
    for (const id of ids) {
      const log = (await server.request('GET', `/api/webhook-endpoints/${id}/deliveries`, { token: admin.token })).body as { items: { error: string; responseStatus: number | null }[] };
      expect(log.items[0]!.error).toMatch(/private, loopback or link-local/);
      expect(log.items[0]!.responseStatus).toBeNull();
    }
  });
});

import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './auth-helpers';
import { httpRequest, spawnServer, testEnv, type ServerProcess } from './helpers';
import { openSse, type SseEvent } from './sse';

// Two server processes on one database and one Redis: a change made through one reaches
// listeners of the other, and a listener that reconnects gets what it missed.
const ADMIN_EMAIL = 'live-admin@example.test';
const ADMIN_PASSWORD = 'live admin password';
let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let staffToken: string;

beforeAll(async () => {
  const setup = await testEnv({ ADMIN_EMAIL, ADMIN_PASSWORD });
  database = setup.database;
  [a, b] = await Promise.all([spawnServer(setup.env), spawnServer(setup.env)]);
  const login = await httpRequest(a.url, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  staffToken = login.body.token;
}, 120_000);
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
});

async function createProduct(stock: number): Promise<{ id: number }> {
  const res = await httpRequest(a.url, 'POST', '/api/products', {
    token: staffToken,
    body: { name: `Live lamp ${Math.random()}`, priceCents: 1500, stock },
  });
  expect(res.status).toBe(200);
  return res.body;
}

const adjust = (productId: number, delta: number) =>
  httpRequest(a.url, 'POST', `/api/products/${productId}/stock-adjustments`, { token: staffToken, body: { delta } });

const stockEvent = (event: SseEvent) => event.event === 'stock';
const figure = (event: SseEvent) => JSON.parse(event.data) as { productId: number; variantId: number; stock: number; available: boolean };

describe('GET /api/events/stock', () => {
  it('starts with the current figures, then carries changes made through another process', async () => {
    const product = await createProduct(5);
    const stream = await openSse(`${b.url}/api/events/stock?productIds=${product.id}`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    try {
      const first = await stream.next(stockEvent);
      expect(figure(first)).toMatchObject({ productId: product.id, stock: 5, available: true });

      expect((await adjust(product.id, -2)).status).toBe(200);
      const changed = await stream.next(stockEvent);
      expect(figure(changed)).toMatchObject({ productId: product.id, stock: 3, available: true });
      expect(changed.id).toBeTruthy();

      // An order placed by a customer through the other process takes stock: heard too.
      const customer = await httpRequest(a.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: PASSWORD } });
      const order = await httpRequest(a.url, 'POST', '/api/orders', {
        token: customer.body.token,
        body: { items: [{ productId: product.id, quantity: 3 }] },
      });
      expect(order.status).toBe(200);
      expect(figure(await stream.next(stockEvent))).toMatchObject({ productId: product.id, stock: 0, available: false });
    } finally {
      stream.close();
    }
  });

  it('tells nothing of a product hidden from the public (inactive), neither its figures nor its changes', async () => {
    const shown = await createProduct(4);
    const hidden = await createProduct(4);
    expect((await httpRequest(a.url, 'PUT', `/api/products/${hidden.id}`, { token: staffToken, body: { isActive: false } })).status).toBe(200);
    const stream = await openSse(`${b.url}/api/events/stock?productIds=${hidden.id},${shown.id}`);
    try {
      expect(figure(await stream.next(stockEvent))).toMatchObject({ productId: shown.id, stock: 4 });
      expect((await adjust(hidden.id, -1)).status).toBe(200);
      expect((await adjust(shown.id, -1)).status).toBe(200);
      // The next stock event is the shown product's: the hidden one's change was never sent.
      expect(figure(await stream.next(stockEvent))).toMatchObject({ productId: shown.id, stock: 3 });
    } finally {
      stream.close();
    }
  });

  it('a reconnect with Last-Event-ID gets the changes made while it was away, in order', async () => {
    const product = await createProduct(10);
    const first = await openSse(`${b.url}/api/events/stock?productIds=${product.id}`);
    await first.next(stockEvent);
    expect((await adjust(product.id, -1)).status).toBe(200);
    const seen = await first.next(stockEvent);
    first.close();

    // Away: two changes nobody hears, and one to another product.
    expect((await adjust(product.id, -2)).status).toBe(200);
    const other = await createProduct(4);
    expect((await adjust(other.id, 1)).status).toBe(200);
    expect((await adjust(product.id, 5)).status).toBe(200);

    const resumed = await openSse(`${a.url}/api/events/stock?productIds=${product.id}`, { 'last-event-id': seen.id! });
    try {
      // No fresh figures first: the missed changes themselves, then live ones.
      expect(figure(await resumed.next())).toMatchObject({ stock: 7 });
      expect(figure(await resumed.next())).toMatchObject({ stock: 12 });
      expect((await adjust(product.id, -12)).status).toBe(200);
      expect(figure(await resumed.next())).toMatchObject({ stock: 0, available: false });
    } finally {
      resumed.close();
    }
  });

  it('an unknown Last-Event-ID is a reset followed by fresh figures', async () => {
    const product = await createProduct(2);
    const stream = await openSse(`${b.url}/api/events/stock?productIds=${product.id}`, { 'last-event-id': 'from-another-store' });
    try {
      expect((await stream.next()).event).toBe('reset');
      expect(figure(await stream.next(stockEvent))).toMatchObject({ productId: product.id, stock: 2 });
    } finally {
      stream.close();
    }
  });

  it.each([
    ['missing', ''],
    ['not numbers', '?productIds=a,b'],
    ['zero', '?productIds=0'],
    ['over 100 products', `?productIds=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`],
  ])('refuses productIds %s with a 400', async (_name, query) => {
    const res = await httpRequest(b.url, 'GET', `/api/events/stock${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/productIds/);
  });
});

describe('tRPC live.events (the admin feed)', () => {
  const feedUrl = (server: ServerProcess, input: object = {}) => `${server.url}/trpc/live.events?input=${encodeURIComponent(JSON.stringify(input))}`;
  const ofType = (type: string) => (event: SseEvent) => event.data.includes(`"type":"${type}"`);

  it('tells staff on one process about an order placed and its status change on the other', async () => {
    const product = await createProduct(5);
    const feed = await openSse(feedUrl(b), { authorization: `Bearer ${staffToken}` });
    expect(feed.status).toBe(200);
    try {
      const customer = await httpRequest(a.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: PASSWORD } });
      const order = await httpRequest(a.url, 'POST', '/api/orders', {
        token: customer.body.token,
        body: { items: [{ productId: product.id, quantity: 1 }] },
      });
      expect(order.status).toBe(200);
      const created = await feed.next(ofType('order.created'));
      expect(JSON.parse(created.data)).toEqual({ type: 'order.created', orderId: order.body.id, userId: customer.body.user.id });

      expect((await httpRequest(a.url, 'PUT', `/api/orders/${order.body.id}/status`, { token: staffToken, body: { status: 'paid' } })).status).toBe(200);
      const status = await feed.next(ofType('order.status'));
      expect(JSON.parse(status.data)).toEqual({ type: 'order.status', orderId: order.body.id, from: 'pending', to: 'paid' });

      // Resuming from the order's event replays what followed it.
      const resumed = await openSse(feedUrl(a, { lastEventId: created.id }), { authorization: `Bearer ${staffToken}` });
      try {
        const next = await resumed.next((event) => event.id !== undefined);
        expect(next.id).toBe(status.id);
        expect(JSON.parse(next.data)).toMatchObject({ type: 'order.status', orderId: order.body.id, to: 'paid' });
      } finally {
        resumed.close();
      }
    } finally {
      feed.close();
    }
  });

  it('refuses customers and anonymous callers: the stream answers the error and ends', async () => {
    const customer = await httpRequest(a.url, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: PASSWORD } });
    for (const [authorization, status] of [[`Bearer ${customer.body.token}`, 403], [undefined, 401]] as const) {
      const feed = await openSse(feedUrl(a), authorization ? { authorization } : {});
      try {
        const refused = await feed.next((event) => event.event === 'serialized-error');
        expect(JSON.parse(refused.data).data.httpStatus).toBe(status);
        await expect(feed.next()).rejects.toThrow('stream ended');
      } finally {
        feed.close();
      }
    }
  });
});

describe('a process with LIVE_MAX_STREAMS=1', () => {
  it('turns away a stream beyond the limit, and on SIGTERM ends open streams so that it exits promptly and cleanly', async () => {
    const setup = await testEnv({ ADMIN_EMAIL, ADMIN_PASSWORD, SHUTDOWN_TIMEOUT_MS: '20000', LIVE_MAX_STREAMS: '1' });
    const server = await spawnServer(setup.env);
    try {
      const login = await httpRequest(server.url, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      const stock = await openSse(`${server.url}/api/events/stock?productIds=1`);
      // One stock stream is all this process may hold: the next is turned away until it ends.
      const refused = await httpRequest(server.url, 'GET', '/api/events/stock?productIds=2');
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      const feed = await openSse(`${server.url}/trpc/live.events?input=%7B%7D`, { authorization: `Bearer ${login.body.token}` });
      const started = Date.now();
      expect(await server.stop()).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      await expect(stock.next()).rejects.toThrow();
      await expect(feed.next((event) => event.event !== 'connected')).rejects.toThrow();
    } finally {
      await server.stop();
      await setup.database.drop();
    }
  }, 120_000);
});

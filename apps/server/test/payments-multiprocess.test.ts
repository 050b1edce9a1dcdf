import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { startFakeStripe, type FakeStripe } from './fake-stripe';
import { createUserWithToken, httpRequest, spawnServer, testEnv, type ServerProcess } from './helpers';
import { countBy, eventsOf, intentsFor, orderRow, pendingOrder, signed, stripeEnv, WEBHOOK_PATH } from './payments-helpers';

// Two server processes on one Postgres and one Redis, both talking to the same (fake) Stripe:
// Stripe retries webhooks and a load balancer spreads them, so duplicates meet in different
// processes. The guarantees must hold there, not only inside one connection pool.
let fake: FakeStripe;
let servers: ServerProcess[] = [];
let runtime: Runtime;
let database: TestDatabase;
let customer: string;

beforeAll(async () => {
  fake = await startFakeStripe();
  const setup = await testEnv(stripeEnv(fake));
  database = setup.database;
  runtime = await createRuntime(loadConfig(setup.env));
  servers = await Promise.all([spawnServer(setup.env), spawnServer(setup.env)]);
  customer = (await createUserWithToken(runtime, 'customer')).token;
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await runtime?.close();
  await database?.drop();
  await fake?.close();
});

const db = () => runtime.deps.db;
const send = (i: number) => (method: string, path: string, options: Parameters<typeof httpRequest>[3]) =>
  httpRequest(servers[i % 2]!.url, method, path, options);

describe('payments across two server processes', () => {
  it('opens one PaymentIntent for 10 concurrent /pay calls spread over both', async () => {
    const placed = await pendingOrder(db(), send(0), customer);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(i)('POST', `/api/orders/${placed.id}/pay`, { token: customer })),
    );
    expect(countBy(responses)).toEqual({ 200: 10 });
    expect(new Set(responses.map((r) => r.body.paymentIntentId)).size).toBe(1);
    expect(intentsFor(fake, placed.id)).toHaveLength(1);
  });

  it('applies one webhook event delivered 10 times to both processes at once exactly once', async () => {
    const placed = await pendingOrder(db(), send(1), customer);
    const opened = await send(1)('POST', `/api/orders/${placed.id}/pay`, { token: customer });
    expect(opened.status).toBe(200);
    const delivery = signed(fake.succeed(opened.body.paymentIntentId));
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => send(i)('POST', WEBHOOK_PATH, delivery)));
    expect(countBy(responses)).toEqual({ 200: 10 });
    expect((await orderRow(db(), placed.id)).status).toBe('paid');
    expect((await eventsOf(db(), placed.id)).filter((e) => e.toStatus === 'paid')).toHaveLength(1);
  });
});

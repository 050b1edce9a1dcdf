import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXPIRY_SWEEP_LOCK, placeOrder } from '@commerce/core';
import { orders, queryRows } from '@commerce/db';
import type { TestDatabase } from '@commerce/db/testing';
import { asc, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { startFakeStripe, type FakeStripe } from './fake-stripe';
import { createUserWithToken, httpRequest, spawnServer, testEnv, type Env, type ServerProcess } from './helpers';
import { createProduct, stockOf } from './orders-helpers';
import { eventsOf, orderRow, pendingOrder, stripeEnv } from './payments-helpers';

// The expiry sweep across processes on one Postgres: the two servers' own schedules, a CLI
// run while another process holds the sweep, and a process killed in the middle of a sweep.
let fake: FakeStripe;
let runtime: Runtime;
let database: TestDatabase;
let env: Env;
let customer: string;

beforeAll(async () => {
  fake = await startFakeStripe();
  const setup = await testEnv({ ...stripeEnv(fake), PAYMENT_TIMEOUT_MINUTES: '1', PAYMENT_EXPIRY_SWEEP_SECONDS: '1' });
  ({ env, database } = setup);
  runtime = await createRuntime(loadConfig(env));
  await runtime.db.migrate();
  customer = (await createUserWithToken(runtime, 'customer')).token;
});

afterAll(async () => {
  await runtime?.close();
  await database?.drop();
  await fake?.close();
});

const db = () => runtime.deps.db;
const cliEntry = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function runCli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; output: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) => child.once('exit', (code) => resolve({ code, output })));
  return { child, done };
}

/** Makes orders look `minutes` old, oldest first, so a sweep takes them in this order. */
async function age(ids: number[], minutes = 5) {
  for (const [i, id] of ids.entries()) {
    await db().execute(sql`update orders set created_at = now() - make_interval(mins => ${minutes + ids.length - i}) where id = ${id}`);
  }
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Holds a session-level advisory lock on a connection of its own until released. */
async function holdLock(key: number) {
  let taken!: () => void;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (taken = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = db().transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${key}::bigint)`);
    taken();
    await released;
  });
  await held;
  return async () => {
    release();
    await done;
  };
}

const statuses = async (ids: number[]) =>
  (await db().select({ status: orders.status }).from(orders).where(inArray(orders.id, ids)).orderBy(asc(orders.id))).map((row) => row.status);

describe('unpaid-order expiry across processes', () => {
  it('is done once by two servers sweeping on their own schedules: one system cancel per order, stock back once, intents cancelled', async () => {
    const servers: ServerProcess[] = await Promise.all([spawnServer(env), spawnServer(env)]);
    try {
      const send = (i: number) => (method: string, path: string, options: Parameters<typeof httpRequest>[3]) =>
        httpRequest(servers[i % 2]!.url, method, path, options);
      const placed = await Promise.all(Array.from({ length: 6 }, (_, i) => pendingOrder(db(), send(i), customer)));
      const intents = await Promise.all(
        placed.slice(0, 3).map(async (p, i) => (await send(i)('POST', `/api/orders/${p.id}/pay`, { token: customer })).body.paymentIntentId as string),
      );
      const stockBefore = await Promise.all(placed.map((p) => stockOf(db(), p.productId)));
      await age(placed.map((p) => p.id));

      await until(async () => (await statuses(placed.map((p) => p.id))).every((status) => status === 'cancelled'));
      // A few more sweeps of both processes must change nothing.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      for (const [i, p] of placed.entries()) {
        const moves = (await eventsOf(db(), p.id)).filter((e) => e.toStatus === 'cancelled');
        expect(moves).toEqual([expect.objectContaining({ fromStatus: 'pending', actorKind: 'system', note: 'unpaid after 1 minutes' })]);
        expect(await stockOf(db(), p.productId)).toBe(stockBefore[i]! + 2);
      }
      for (const intentId of intents) expect(fake.intents.get(intentId)!.status).toBe('canceled');
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  });

  it('does nothing from the CLI while another process holds the sweep', async () => {
    const userId = (await createUserWithToken(runtime, 'customer')).userId;
    const productId = await createProduct(db(), { stock: 10 });
    const order = await placeOrder(runtime.deps, { userId, role: 'customer' }, { items: [{ productId, quantity: 1 }] });
    await age([order.id]);

    const release = await holdLock(EXPIRY_SWEEP_LOCK);
    try {
      const blocked = await runCli(['expire-orders']).done;
      expect(blocked.code, blocked.output).toBe(0);
      expect(blocked.output).toMatch(/Another process is sweeping/);
      expect((await orderRow(db(), order.id)).status).toBe('pending');
    } finally {
      await release();
    }
    const free = await runCli(['expire-orders']).done;
    expect(free.output).toMatch(/1 unpaid orders cancelled/);
    expect((await orderRow(db(), order.id)).status).toBe('cancelled');
  });

  it('leaves nothing half-done when a process dies mid-sweep: the next sweep does it all, once', async () => {
    const userId = (await createUserWithToken(runtime, 'customer')).userId;
    const products = await Promise.all([1, 2, 3].map(() => createProduct(db(), { stock: 10 })));
    const placed = [];
    for (const productId of products) {
      placed.push(await placeOrder(runtime.deps, { userId, role: 'customer' }, { items: [{ productId, quantity: 4 }] }));
    }
    const ids = placed.map((order) => order.id);
    await age(ids);

    // The sweep pauses inside the second order's timeline entry, on a lock this test holds:
    // the first order is fully expired (status, timeline, stock) within the sweep's transaction.
    const PAUSE = 424_242;
    await db().execute(
      sql.raw(`create or replace function pause_expiry() returns trigger language plpgsql as $$
        begin
          if new.order_id = ${ids[1]} and new.to_status = 'cancelled' then perform pg_advisory_xact_lock(${PAUSE}); end if;
          return new;
        end $$`),
    );
    await db().execute(sql.raw(`create trigger pause_expiry before insert on order_events for each row execute function pause_expiry()`));
    try {
      const release = await holdLock(PAUSE);
      const dying = runCli(['expire-orders']);
      let backend = 0;
      try {
        await until(async () => {
          const [waiting] = await queryRows<{ pid: number }>(
            db(),
            sql`select pid from pg_stat_activity where wait_event_type = 'Lock' and wait_event = 'advisory' and query ilike '%order_events%'`,
          );
          backend = waiting?.pid ?? 0;
          return backend !== 0;
        });
        dying.child.kill('SIGKILL');
        await dying.done;
      } finally {
        await release();
      }
      // The dead process's connection goes, and with it its uncommitted sweep.
      await until(async () => (await queryRows(db(), sql`select 1 from pg_stat_activity where pid = ${backend}`)).length === 0);
      expect(await statuses(ids)).toEqual(['pending', 'pending', 'pending']);
      for (const productId of products) expect(await stockOf(db(), productId)).toBe(6);
      for (const id of ids) expect((await eventsOf(db(), id)).filter((e) => e.toStatus === 'cancelled')).toEqual([]);
    } finally {
      await db().execute(sql.raw('drop trigger if exists pause_expiry on order_events'));
    }

    const next = await runCli(['expire-orders']).done;
    expect(next.output).toMatch(/3 unpaid orders cancelled/);
    expect(await statuses(ids)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    for (const productId of products) expect(await stockOf(db(), productId)).toBe(10);
    for (const id of ids) expect((await eventsOf(db(), id)).filter((e) => e.toStatus === 'cancelled')).toHaveLength(1);
  });
});

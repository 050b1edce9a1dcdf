import { outbox, users } from '@commerce/db';
import { eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjustVariantStock, setVariantStock } from '../catalog/inventory';
import type { Deps } from '../deps';
import { enqueue } from '../outbox';
import { actorFor, systemActor } from '../orders/actor';
import { placeOrder } from '../orders/create';
import { transitionOrder } from '../orders/transition';
import { createTestDeps, insertTestProduct } from '../testing';
import { transaction } from '../transaction';
import { Dispatcher, type OutboxJob } from './dispatcher';

describe('the outbox and its dispatcher', () => {
  let deps: Deps;
  let close: (() => Promise<void>) | undefined;
  let now = new Date('2030-01-01T00:00:00Z');
  const clock = { now: () => now };
  const later = (seconds: number) => (now = new Date(now.getTime() + seconds * 1000));

  beforeAll(async () => {
    ({ deps, close } = await createTestDeps({ clock, poolMax: 8 }));
  });
  afterAll(() => close?.());

  const open = () => deps.db.select().from(outbox).where(isNull(outbox.completedAt)).orderBy(outbox.id);
  /** Marks every open row done, so each test starts with an empty queue. */
  const clear = () => deps.db.update(outbox).set({ completedAt: now }).where(isNull(outbox.completedAt));

  it('enqueues nothing for a transaction that rolls back', async () => {
    await clear();
    await expect(
      transaction(deps, async (tx) => {
        await enqueue(deps, tx, { type: 'test.rollback', payload: { n: 1 } });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await open()).toEqual([]);
    await transaction(deps, (tx) => enqueue(deps, tx, { type: 'test.rollback', payload: { n: 2 } }));
    expect((await open()).map((row) => row.payload)).toEqual([{ n: 2 }]);
  });

  it('makes one row of messages with the same dedupe key', async () => {
    await clear();
    for (let i = 0; i < 3; i++) await transaction(deps, (tx) => enqueue(deps, tx, { type: 'test.dedupe', payload: { i }, dedupeKey: 'same' }));
    expect((await open()).map((row) => row.payload)).toEqual([{ i: 0 }]);
  });

  it('shares 300 events between two dispatchers, each delivered exactly once', async () => {
    await clear();
    for (let batch = 0; batch < 6; batch++) {
      await transaction(deps, async (tx) => {
        for (let i = 0; i < 50; i++) await enqueue(deps, tx, { type: 'test.share', payload: { n: batch * 50 + i } });
      });
    }
    const delivered: { worker: string; eventId: string }[] = [];
    const handler = (worker: string) => ({
      run: async (job: OutboxJob) => {
        // A delivery takes a moment, so the two dispatchers overlap.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
        delivered.push({ worker, eventId: job.eventId });
      },
    });
    const a = new Dispatcher(deps, { handlers: { 'test.share': handler('a') }, batchSize: 7 });
    const b = new Dispatcher(deps, { handlers: { 'test.share': handler('b') }, batchSize: 7 });
    const [fromA, fromB] = await Promise.all([a.drain(), b.drain()]);
    expect(fromA + fromB).toBe(300);
    expect(new Set(delivered.map((d) => d.eventId)).size).toBe(300);
    expect(delivered).toHaveLength(300);
    // Both took part.
    expect(fromA).toBeGreaterThan(0);
    expect(fromB).toBeGreaterThan(0);
    expect(await open()).toEqual([]);
  });

  it('delivers again, with the same event id, what a killed dispatcher held once its lease runs out', async () => {
    await clear();
    await transaction(deps, (tx) => enqueue(deps, tx, { type: 'test.kill', payload: {} }));
    const seen: OutboxJob[] = [];
    // The first process claims the row and dies before delivering it.
    const dying = new Dispatcher(deps, { handlers: {}, leaseSeconds: 60 });
    const [claimed] = await dying.claim();
    expect(claimed).toBeDefined();
    const survivor = new Dispatcher(deps, { handlers: { 'test.kill': { run: async (job) => void seen.push(job) } }, leaseSeconds: 60 });
    // Still leased: not taken twice.
    expect(await survivor.runOnce()).toBe(0);
    later(61);
    expect(await survivor.runOnce()).toBe(1);
    expect(seen.map((job) => job.eventId)).toEqual([claimed!.eventId]);
    expect(seen[0]!.attempts).toBe(2);
    expect(await open()).toEqual([]);
  });

  it('settles a batch at once: done rows completed, a secret payload erased, a failed one left to retry', async () => {
    await clear();
    await transaction(deps, async (tx) => {
      await enqueue(deps, tx, { type: 'test.secret', payload: { token: 'reset-token' } });
      await enqueue(deps, tx, { type: 'test.plain', payload: { n: 1 } });
      await enqueue(deps, tx, { type: 'test.down', payload: { n: 2 } });
    });
    const dispatcher = new Dispatcher(deps, {
      handlers: {
        'test.secret': { run: async () => {}, sensitive: true },
        'test.plain': { run: async () => {} },
        'test.down': {
          run: async () => {
            throw new Error('receiver down');
          },
        },
      },
    });
    expect(await dispatcher.runOnce()).toBe(3);
    const rows = await deps.db.select().from(outbox).where(eq(outbox.lockedBy, dispatcher.workerId)).orderBy(outbox.id);
    expect(rows.map((row) => [row.type, row.payload, row.completedAt !== null, row.lastError])).toEqual([
      ['test.secret', {}, true, null],
      ['test.plain', { n: 1 }, true, null],
      ['test.down', { n: 2 }, false, 'receiver down'],
    ]);
  });

  it('backs off on the clock after a failure and gives up after the last try', async () => {
    await clear();
    await transaction(deps, (tx) => enqueue(deps, tx, { type: 'test.fail', payload: { secret: 'x' } }));
    let tries = 0;
    const gaveUp: string[] = [];
    const dispatcher = new Dispatcher(deps, {
      handlers: {
        'test.fail': {
          run: async () => {
            tries++;
            throw new Error('receiver down');
          },
          maxAttempts: 3,
          backoffSeconds: (attempt) => 100 * attempt,
          onGiveUp: async (job) => void gaveUp.push(job.eventId),
          sensitive: true,
        },
      },
    });
    expect(await dispatcher.runOnce()).toBe(1);
    later(99);
    expect(await dispatcher.runOnce()).toBe(0);
    later(1);
    expect(await dispatcher.runOnce()).toBe(1);
    later(199);
    expect(await dispatcher.runOnce()).toBe(0);
    later(1);
    expect(await dispatcher.runOnce()).toBe(1);
    later(100_000);
    expect(await dispatcher.runOnce()).toBe(0);
    expect(tries).toBe(3);
    expect(gaveUp).toHaveLength(1);
    const [row] = await deps.db.select().from(outbox).where(eq(outbox.type, 'test.fail'));
    expect(row).toMatchObject({ attempts: 3, lastError: 'receiver down', payload: {} });
    expect(row!.failedAt).not.toBeNull();
  });

  it('tells of order events in the transaction that makes them', async () => {
    await clear();
    const [user] = await deps.db.insert(users).values({ email: 'outbox@example.test', passwordHash: 'x' }).returning({ id: users.id });
    const viewer = { userId: user!.id, role: 'customer' as const };
    const productId = (await insertTestProduct(deps.db, { stock: 10 })).id;
    const order = await placeOrder(deps, viewer, { items: [{ productId, quantity: 1 }] });
    await transitionOrder(deps, systemActor, order.id, 'paid');
    await transitionOrder(deps, actorFor({ userId: user!.id, role: 'staff' }), order.id, 'shipped');
    // An illegal move rolls back and tells of nothing.
    await expect(transitionOrder(deps, systemActor, order.id, 'paid')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    // A sale that takes a variant down to its threshold tells staff once.
    await placeOrder(deps, viewer, { items: [{ productId, quantity: 4 }] });
    await placeOrder(deps, viewer, { items: [{ productId, quantity: 1 }] });
    const rows = await deps.db.select().from(outbox).where(isNull(outbox.completedAt)).orderBy(outbox.id);
    expect(rows.map((row) => row.type)).toEqual([
      'order.created',
      'order.paid',
      'order.shipped',
      'inventory.low_stock',
      'order.created',
      'order.created',
    ]);
    expect(rows[1]!.payload).toEqual({ orderId: order.id, from: 'pending', to: 'paid' });
    expect(rows[3]!.payload).toMatchObject({ productId, stock: 5, threshold: 5 });
  });

  it('tells of low stock when staff take a variant to its threshold, once per crossing', async () => {
    await clear();
    const { id: productId, variantIds } = await insertTestProduct(deps.db, { stock: 8 });
    const variantId = variantIds[0]!;
    await adjustVariantStock(deps, systemActor, { id: variantId, delta: -2 }); // 6: above the threshold of 5
    await adjustVariantStock(deps, systemActor, { id: variantId, delta: -3 }); // 3: crossed
    await adjustVariantStock(deps, systemActor, { id: variantId, delta: -1 }); // 2: still below, nothing new
    await setVariantStock(deps, systemActor, { id: variantId, stock: 50 }); // restocked
    await setVariantStock(deps, systemActor, { id: variantId, stock: 1 }); // crossed again
    const rows = await open();
    expect(rows.map((row) => [row.type, row.payload])).toEqual([
      ['inventory.low_stock', { productId, variantId, stock: 3, threshold: 5 }],
      ['inventory.low_stock', { productId, variantId, stock: 1, threshold: 5 }],
    ]);
  });
});

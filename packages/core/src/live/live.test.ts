import { testKeyPrefix, testRedisUrl } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../cache/redis';
import { createTestDeps, deleteKeysWithPrefix, insertTestProduct, type TestDeps } from '../testing';
import { transaction } from '../transaction';
import type { LiveBus, LiveEvent, LiveMessage } from './events';
import { MemoryLiveBus } from './memory-bus';
import { publishAfterCommit } from './publish';
import { RedisLiveBus } from './redis-bus';

const redisPrefix = testKeyPrefix();
afterAll(() => deleteKeysWithPrefix(testRedisUrl, redisPrefix));

const stock = (variantId: number, n: number): LiveEvent => ({ type: 'stock', productId: 1, variantId, stock: n, available: n > 0, public: true });

/** Reads `count` messages from a subscription, then ends it. */
async function take(bus: LiveBus, count: number, lastEventId?: string): Promise<LiveMessage[]> {
  const controller = new AbortController();
  const seen: LiveMessage[] = [];
  const timer = setTimeout(() => controller.abort(), 5000);
  for await (const message of bus.subscribe({ lastEventId, signal: controller.signal })) {
    seen.push(message);
    if (seen.length === count) break;
  }
  clearTimeout(timer);
  controller.abort();
  return seen;
}

/** Starts a subscription now (so it misses nothing published after), read later with `take`. */
function listen(bus: LiveBus) {
  const controller = new AbortController();
  const iterator = bus.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
  return {
    async next(count: number): Promise<LiveMessage[]> {
      const seen: LiveMessage[] = [];
      const timer = setTimeout(() => controller.abort(), 5000);
      while (seen.length < count) {
        const { value, done } = await iterator.next();
        if (done) break;
        seen.push(value);
      }
      clearTimeout(timer);
      return seen;
    },
    stop: () => controller.abort(),
  };
}

const waitForReaders = () => new Promise((resolve) => setTimeout(resolve, 300));

describe.each([
  ['MemoryLiveBus (no REDIS_URL)', (replay: number) => [new MemoryLiveBus(replay)] as const],
  [
    'RedisLiveBus (REDIS_URL), two processes',
    (replay: number) => {
      const prefix = `${redisPrefix}${Math.random().toString(36).slice(2)}:`;
      const client = () => createRedisClient({ url: testRedisUrl, keyPrefix: prefix });
      return [new RedisLiveBus(client(), replay), new RedisLiveBus(client(), replay)] as const;
    },
  ],
])('%s', (_name, makeBuses) => {
  const buses: LiveBus[] = [];
  const make = (replay = 100) => {
    const made = makeBuses(replay);
    buses.push(...made);
    return { publisher: made[0], subscriber: made[made.length - 1]! };
  };
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
  });

  it('delivers what one publishes to a subscriber, in order', async () => {
    const { publisher, subscriber } = make();
    const listener = listen(subscriber);
    await waitForReaders();
    for (let i = 1; i <= 5; i++) await publisher.publish(stock(i, i));
    const seen = await listener.next(5);
    listener.stop();
    expect(seen.map((m) => m.event)).toEqual([1, 2, 3, 4, 5].map((i) => stock(i, i)));
    // Ids grow, so a reconnecting client can say where it stopped.
    expect(new Set(seen.map((m) => m.id)).size).toBe(5);
  });

  it('a reconnect with the last id gets exactly what it missed, then what comes next', async () => {
    const { publisher, subscriber } = make();
    const listener = listen(subscriber);
    await waitForReaders();
    await publisher.publish(stock(1, 1));
    const [first] = await listener.next(1);
    listener.stop();
    // Disconnected: these happen while nobody listens.
    await publisher.publish(stock(2, 2));
    await publisher.publish(stock(3, 3));
    const resumed = take(subscriber, 3, first!.id);
    await waitForReaders();
    await publisher.publish(stock(4, 4));
    expect((await resumed).map((m) => m.event)).toEqual([stock(2, 2), stock(3, 3), stock(4, 4)]);
  });

  it('says reset when what was missed fell out of the replay buffer, then carries on', async () => {
    const { publisher, subscriber } = make(5);
    const listener = listen(subscriber);
    await waitForReaders();
    await publisher.publish(stock(1, 1));
    const [first] = await listener.next(1);
    listener.stop();
    // Far more than the buffer keeps (Redis trims approximately, in whole nodes of ~100).
    for (let i = 2; i <= 400; i++) await publisher.publish(stock(i, i));
    const [reset, next] = await take(subscriber, 2, first!.id);
    expect(reset!.event).toEqual({ type: 'reset' });
    expect(next!.event.type).toBe('stock');
    // Reconnecting from the reset's id is not another reset: nothing is missing after it.
    const [again] = await take(subscriber, 1, reset!.id);
    expect(again!.event.type).toBe('stock');
  });

  it('an id it never issued is a reset, not an error', async () => {
    const { subscriber } = make();
    const [message] = await take(subscriber, 1, 'not-an-id');
    expect(message!.event).toEqual({ type: 'reset' });
  });
});

describe('publishAfterCommit', () => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps();
  });
  afterAll(() => t?.close());

  it('publishes once the transaction commits, and never for one that rolls back', async () => {
    const listener = listen(t.deps.live);
    const { id } = await insertTestProduct(t.deps.db);
    await expect(
      transaction(t.deps, async (tx) => {
        publishAfterCommit(t.deps, tx, { type: 'order.created', orderId: -1, userId: -1 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await transaction(t.deps, async (tx) => {
      publishAfterCommit(t.deps, tx, { type: 'order.created', orderId: id, userId: 7 });
    });
    const [message] = await listener.next(1);
    listener.stop();
    expect(message!.event).toEqual({ type: 'order.created', orderId: id, userId: 7 });
  });
});

import { testKeyPrefix, testRedisUrl } from '@commerce/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import type { Cache } from './cache';
import { deleteKeysWithPrefix } from '../testing';
import { MemoryCache } from './memory';
import { createRedisClient, RedisCache } from './redis';

const redisPrefix = testKeyPrefix();
afterAll(() => deleteKeysWithPrefix(testRedisUrl, redisPrefix));

let now = Date.now();
const movableClock: Clock = { now: () => new Date(now) };

const adapters: [string, () => Cache, (seconds: number) => Promise<void>][] = [
  [
    'RedisCache (REDIS_URL)',
    () => new RedisCache(createRedisClient({ url: testRedisUrl, keyPrefix: redisPrefix })),
    (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 100)),
  ],
  [
    'MemoryCache (no REDIS_URL)',
    () => new MemoryCache(100, movableClock),
    async (seconds) => {
      now += seconds * 1000 + 1;
    },
  ],
];

describe.each(adapters)('%s', (_name, make, wait) => {
  const cache = make();
  afterAll(() => cache.close());

  it('stores, reads several keys in one call (as text or as UTF-8 bytes), and deletes', async () => {
    expect(await cache.get('missing')).toBeNull();
    await cache.set('a', 'alpha', 60);
    await cache.set('b', '{"json":true}', 60);
    expect(await cache.get('a')).toBe('alpha');
    expect(await cache.mget(['a', 'missing', 'b'])).toEqual(['alpha', null, '{"json":true}']);
    expect(await cache.mget([])).toEqual([]);
    await cache.set('utf8', '1\n{"name":"Café ☕"}', 60);
    const [bytes, none] = await cache.mgetBuffers(['utf8', 'missing']);
    expect(bytes).toEqual(Buffer.from('1\n{"name":"Café ☕"}', 'utf8'));
    expect(none).toBeNull();
    expect(await cache.mgetBuffers([])).toEqual([]);
    await cache.del(['a', 'never-there']);
    expect(await cache.get('a')).toBeNull();
    await cache.del([]);
  });

  it('expires entries after their TTL', async () => {
    await cache.set('short', 'v', 1);
    expect(await cache.get('short')).toBe('v');
    await wait(1);
    expect(await cache.get('short')).toBeNull();
  });

  it('increments atomically from zero, also under concurrency', async () => {
    expect(await cache.incr('counter')).toBe(1);
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.incr('counter')));
    expect(new Set(results).size).toBe(50);
    expect(await cache.get('counter')).toBe('51');
  });

  it('answers ping', async () => {
    await expect(cache.ping()).resolves.toBeUndefined();
  });
});

describe('MemoryCache bounds', () => {
  it('evicts the oldest entry beyond its size', async () => {
    const cache = new MemoryCache(2);
    await cache.set('one', '1', 60);
    await cache.set('two', '2', 60);
    await cache.set('three', '3', 60);
    expect(await cache.mget(['one', 'two', 'three'])).toEqual([null, '2', '3']);
  });
});

describe('RedisCache when Redis is unreachable', () => {
  it('fails fast instead of hanging, so callers can fall back', async () => {
    const cache = new RedisCache(createRedisClient({ url: 'redis://127.0.0.1:1' }));
    try {
      const started = Date.now();
      await expect(cache.get('x')).rejects.toThrow();
      await expect(cache.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      cache.client.disconnect();
    }
  });
});

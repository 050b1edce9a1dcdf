import { Redis } from 'ioredis';
import type { Cache } from './cache';

export interface RedisCacheOptions {
  url: string;
  /** Prefix for every key, so that several stores or test files can share one Redis. */
  keyPrefix?: string;
  /** Connection errors (Redis down); without a listener ioredis prints them to stderr itself. */
  onError?: (error: Error) => void;
}

/** Opens an ioredis client that fails fast instead of queueing while Redis is down. */
export function createRedisClient({ url, keyPrefix, onError = () => {} }: RedisCacheOptions): Redis {
  const client = new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    // Commands issued during a reconnect wait for it (a lost version bump would serve stale
    // pages), but never longer than commandTimeout: then callers fall back.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Commands issued in the same tick (every signed-in request's session read and rate-limit
    // count, across concurrent requests) go out in one write and come back in one read: the
    // socket writes were the largest share of a signed-in read's CPU time.
    enableAutoPipelining: true,
  });
  client.on('error', onError);
  return client;
}

export class RedisCache implements Cache {
  readonly kind = 'redis' as const;

  constructor(readonly client: Redis) {}

  get(key: string) {
    return this.client.get(key);
  }

  async mget(keys: string[]) {
    if (keys.length === 0) return [];
    return this.client.mget(keys);
  }

  async mgetBuffers(keys: string[]) {
    if (keys.length === 0) return [];
    return this.client.mgetBuffer(keys);
  }

  async set(key: string, value: string, ttlSeconds: number) {
    await this.client.set(key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async del(keys: string[]) {
    if (keys.length) await this.client.del(keys);
  }

  incr(key: string) {
    return this.client.incr(key);
  }

  async ping() {
    await this.client.ping();
  }

  async close() {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

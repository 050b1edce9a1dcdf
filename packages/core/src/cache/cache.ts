/**
 * The cache every process shares (Redis) or, without REDIS_URL, one in this process.
 * Values are strings: callers serialise, which keeps a hit as cheap as a lookup.
 */
export interface Cache {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  /** One round trip for several keys; missing keys come back as null. */
  mget(keys: string[]): Promise<(string | null)[]>;
  /**
   * `mget` as bytes, for values written to a socket as they are: a cached page is neither
   * decoded into a string on the V8 heap nor encoded again on its way out.
   */
  mgetBuffers(keys: string[]): Promise<(Buffer | null)[]>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  del(keys: string[]): Promise<void>;
  /** Atomically adds one and returns the new value (a missing key counts from 0). */
  incr(key: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

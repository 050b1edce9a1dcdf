import { type Clock, systemClock } from '../clock';
import type { Cache } from './cache';

interface Entry {
  value: string;
  expiresAt: number;
}

/** The in-process cache used when REDIS_URL is unset: one process, bounded in size. */
export class MemoryCache implements Cache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly clock: Clock = systemClock,
  ) {}

  private read(key: string): string | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now().getTime()) {
      this.entries.delete(key);
      return null;
    }
    return entry.value;
  }

  private write(key: string, value: string, expiresAt: number): void {
    this.entries.delete(key);
    // Map keeps insertion order, so the first key is the oldest write.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt });
  }

  async get(key: string) {
    return this.read(key);
  }

  async mget(keys: string[]) {
    return keys.map((key) => this.read(key));
  }

  async mgetBuffers(keys: string[]) {
    return (await this.mget(keys)).map((value) => (value === null ? null : Buffer.from(value)));
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.write(key, value, this.clock.now().getTime() + ttlSeconds * 1000);
  }

  async del(keys: string[]) {
    for (const key of keys) this.entries.delete(key);
  }

  async incr(key: string) {
    const next = Number(this.read(key) ?? 0) + 1;
    this.write(key, String(next), Number.POSITIVE_INFINITY);
    return next;
  }

  async ping() {}

  async close() {
    this.entries.clear();
  }
}

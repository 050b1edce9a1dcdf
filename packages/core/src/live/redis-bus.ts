import type { Redis } from 'ioredis';
import type { LiveBus, LiveEvent, LiveMessage, LiveSubscription } from './events';
import { messageQueue } from './queue';

const STREAM_KEY = 'live:events';
const BLOCK_MS = 5000;

/** Stream ids are `<ms>-<seq>`; compares two of them, or says one is not an id. */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am - bm || as - bs;
}

const isStreamId = (id: string) => /^\d{1,15}-\d{1,15}$/.test(id);

/**
 * Every process's events through one Redis stream (REDIS_URL set). A stream rather than pub/sub:
 * its ids are one sequence for all processes, so a listener that reconnects to another process
 * behind the load balancer resumes from the same id, and the stream (trimmed to about
 * `replaySize` entries) is the replay buffer, shared instead of one per process.
 *
 * Each process runs one blocking reader on a connection of its own and fans out to its
 * subscribers; publishing uses the shared client.
 */
export class RedisLiveBus implements LiveBus {
  readonly kind = 'redis' as const;
  private readonly listeners = new Set<(message: LiveMessage) => void>();
  private reader: Redis | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    readonly replaySize = 10_000,
  ) {}

  async publish(event: LiveEvent): Promise<void> {
    await this.redis.xadd(STREAM_KEY, 'MAXLEN', '~', String(this.replaySize), '*', 'e', JSON.stringify(event));
  }

  subscribe({ lastEventId, signal }: LiveSubscription): AsyncIterable<LiveMessage> {
    const queue = messageQueue(signal);
    let highest = lastEventId !== undefined && isStreamId(lastEventId) ? lastEventId : '0-0';
    const accept = (message: LiveMessage) => {
      if (compareIds(message.id, highest) <= 0) return;
      highest = message.id;
      queue.push(message);
    };
    // Live messages that arrive while the missed ones are read wait, so they come after them.
    const waiting: LiveMessage[] = [];
    let listener: (message: LiveMessage) => void = (message) => waiting.push(message);
    const forward = (message: LiveMessage) => listener(message);
    this.listeners.add(forward);
    signal.addEventListener('abort', () => this.listeners.delete(forward), { once: true });
    this.startReader();

    const catchUp = async () => {
      if (lastEventId !== undefined) {
        for (const message of await this.missedSince(lastEventId)) {
          if (message.event.type === 'reset') queue.push(message);
          else accept(message);
        }
      }
      for (const message of waiting) accept(message);
      listener = accept;
    };
    catchUp().catch(() => {
      queue.push({ id: highest, event: { type: 'reset' } });
      for (const message of waiting) accept(message);
      listener = accept;
    });
    return queue.drain();
  }

  /** What came after `lastEventId`, led by a reset when some of it was trimmed away. */
  private async missedSince(lastEventId: string): Promise<LiveMessage[]> {
    if (!isStreamId(lastEventId)) return [{ id: '0-0', event: { type: 'reset' } }];
    const [entries, info] = await Promise.all([
      this.redis.xrange(STREAM_KEY, `(${lastEventId}`, '+', 'COUNT', this.replaySize * 2),
      // ioredis does not prefix XINFO's key as it does the others'.
      this.redis.xinfo('STREAM', `${this.redis.options.keyPrefix ?? ''}${STREAM_KEY}`).catch(() => null),
    ]);
    const messages = entries.map(([id, fields]) => toMessage(id, fields)).filter((m) => m !== null);
    const first = firstEntryId(info);
    // The client saw `lastEventId`; older than the oldest entry kept, it and whatever followed
    // it were trimmed. The reset carries the id just before the oldest kept: a listener that
    // reconnects after it has missed nothing.
    const resumable = first && justBefore(first);
    if (resumable && compareIds(lastEventId, resumable) < 0) messages.unshift({ id: resumable, event: { type: 'reset' } });
    return messages;
  }

  private startReader(): void {
    if (this.reader || this.closed) return;
    // Blocking reads hold their connection, and must outlast the shared client's short timeout.
    const reader = this.redis.duplicate({ commandTimeout: BLOCK_MS + 5000, maxRetriesPerRequest: null });
    reader.on('error', () => {});
    this.reader = reader;
    void this.readLoop(reader);
  }

  private async readLoop(reader: Redis): Promise<void> {
    let last: string | undefined;
    while (!this.closed) {
      try {
        // Start at the newest entry, then always name the last id seen: a read that fails and
        // is retried misses nothing.
        last ??= (await reader.xrevrange(STREAM_KEY, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
        const result = await reader.xread('COUNT', 1000, 'BLOCK', BLOCK_MS, 'STREAMS', STREAM_KEY, last);
        for (const [, entries] of result ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            const message = toMessage(id, fields);
            if (message) for (const listener of this.listeners) listener(message);
          }
        }
      } catch {
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.reader?.disconnect();
  }
}

function toMessage(id: string, fields: string[]): LiveMessage | null {
  const value = fields[fields.indexOf('e') + 1];
  try {
    return value ? { id, event: JSON.parse(value) as LiveEvent } : null;
  } catch {
    return null;
  }
}

/** `recorded-first-entry-id` from XINFO STREAM's flat reply (Redis 7): the oldest id kept. */
function firstEntryId(info: unknown): string | undefined {
  if (!Array.isArray(info)) return undefined;
  const at = info.indexOf('recorded-first-entry-id');
  const value: unknown = at >= 0 ? info[at + 1] : undefined;
  return typeof value === 'string' && isStreamId(value) && value !== '0-0' ? value : undefined;
}

function justBefore(id: string): string {
  const [ms = 0, seq = 0] = id.split('-').map(Number);
  return seq > 0 ? `${ms}-${seq - 1}` : `${ms - 1}-999999999999999`;
}

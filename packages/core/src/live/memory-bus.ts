import type { LiveBus, LiveEvent, LiveMessage, LiveSubscription } from './events';
import { messageQueue } from './queue';

/**
 * The bus of a single process (no REDIS_URL): a ring of the last `replaySize` events, ids
 * counting up from the moment the process started (prefixed with it, so an id from an earlier
 * run is never mistaken for one of this run).
 */
export class MemoryLiveBus implements LiveBus {
  readonly kind = 'memory' as const;
  private readonly epoch = Date.now().toString(36);
  private readonly history: Array<{ seq: number; message: LiveMessage }> = [];
  private readonly listeners = new Set<(message: LiveMessage) => void>();
  private seq = 0;

  constructor(readonly replaySize = 1000) {}

  async publish(event: LiveEvent): Promise<void> {
    this.seq += 1;
    const message = { id: `${this.epoch}-${this.seq}`, event };
    this.history.push({ seq: this.seq, message });
    if (this.history.length > this.replaySize) this.history.shift();
    for (const listener of this.listeners) listener(message);
  }

  subscribe({ lastEventId, signal }: LiveSubscription): AsyncIterable<LiveMessage> {
    const queue = messageQueue(signal);
    if (lastEventId !== undefined) {
      const after = this.sequenceOf(lastEventId);
      const oldest = this.history[0]?.seq ?? this.seq + 1;
      // Anything between `after` and the oldest kept event is gone. The reset carries the id just
      // before the oldest kept one: a listener that reconnects after it has missed nothing.
      if (after === undefined || after < oldest - 1) queue.push({ id: `${this.epoch}-${oldest - 1}`, event: { type: 'reset' } });
      for (const { seq, message } of this.history) if (after !== undefined && seq > after) queue.push(message);
    }
    this.listeners.add(queue.push);
    signal.addEventListener('abort', () => this.listeners.delete(queue.push), { once: true });
    return queue.drain();
  }

  /** The sequence number of one of this run's ids; undefined for anything else. */
  private sequenceOf(id: string): number | undefined {
    const [epoch, seq] = id.split('-');
    const n = Number(seq);
    return epoch === this.epoch && Number.isSafeInteger(n) && n >= 0 && n <= this.seq ? n : undefined;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

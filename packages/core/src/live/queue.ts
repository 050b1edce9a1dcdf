import type { LiveMessage } from './events';

/**
 * Turns pushed messages into an async iterator for one subscriber: buffers what arrives while
 * the consumer is busy, ends when the signal aborts. A consumer that falls `limit` messages
 * behind (a stalled connection) is told to reset and catches up by refetching.
 */
export function messageQueue(signal: AbortSignal, limit = 10_000) {
  const buffered: LiveMessage[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  signal.addEventListener('abort', notify, { once: true });

  return {
    push(message: LiveMessage) {
      if (signal.aborted) return;
      if (buffered.length >= limit) buffered.splice(0, buffered.length, { id: message.id, event: { type: 'reset' } });
      else buffered.push(message);
      notify();
    },
    async *drain(): AsyncGenerator<LiveMessage> {
      while (!signal.aborted) {
        const next = buffered.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

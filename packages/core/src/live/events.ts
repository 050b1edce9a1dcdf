/**
 * What the back office and storefronts hear about as it happens. Small on purpose: ids and the
 * new state, so a listener refetches what it shows rather than trusting a copy.
 */
export type LiveEvent =
  | { type: 'order.created'; orderId: number; userId: number }
  | { type: 'order.status'; orderId: number; from: string; to: string }
  // `public`: the product is for sale (active, not archived); storefronts hear of no other.
  | { type: 'stock'; productId: number; variantId: number; stock: number; available: boolean; public: boolean };

/**
 * An event with its id on the bus. Ids grow with time across every process, so a listener that
 * lost its connection asks for what came after the last id it saw. `reset` says that some of
 * what came after fell out of the replay buffer: refetch everything.
 */
export type LiveMessage = { id: string; event: LiveEvent } | { id: string; event: { type: 'reset' } };

export interface LiveSubscription {
  /** The id of the last message the listener saw (Last-Event-ID); replay starts after it. */
  lastEventId?: string | undefined;
  /** Ends the subscription (client gone, server closing). */
  signal: AbortSignal;
}

/** Events published by one process reach the subscribers of every process. */
export interface LiveBus {
  readonly kind: 'memory' | 'redis';
  /** How many past events a reconnecting listener can catch up on. */
  readonly replaySize: number;
  publish(event: LiveEvent): Promise<void>;
  subscribe(subscription: LiveSubscription): AsyncIterable<LiveMessage>;
  close(): Promise<void>;
}

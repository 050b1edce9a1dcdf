import { tracked } from '@trpc/server';
import { z } from 'zod';
import { router, staffProcedure } from '../trpc';

/**
 * The back office's live feed over Server-Sent Events (httpSubscriptionLink): new orders, status
 * and stock changes from every server process. Each message is tracked by its bus id, so a
 * client that reconnects sends `lastEventId` and receives what it missed (or a `reset`).
 */
export const liveRouter = router({
  events: staffProcedure
    .input(z.object({ lastEventId: z.string().max(64).nullish() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const subscription = { lastEventId: input?.lastEventId ?? undefined, signal: signal ?? new AbortController().signal };
      for await (const message of ctx.deps.live.subscribe(subscription)) {
        yield tracked(message.id, message.event);
      }
    }),
});

'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { toast } from 'sonner';
import { useTRPC, type RouterOutputs } from '@/lib/trpc';

/** What the feed yields: each message's event (tracked by its id, which the link resumes from). */
type LiveEvent = RouterOutputs['live']['events'] extends AsyncIterable<{ data: infer Event }> ? Event : never;

/** How long a burst of changes is gathered before open pages refetch, so a busy shop does not flood them. */
const REFRESH_AFTER_MS = 400;

/**
 * Keeps every open page current without a reload: the server's live feed (tRPC over
 * Server-Sent Events, resumed by last event id after a dropped connection) says what changed,
 * and the queries that show it refetch. A new order also gets a toast.
 */
export function useLiveUpdates() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const dirty = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  // What each kind of change makes stale: order figures are on the home page and the order,
  // customer and report lists; stock on product pages, lists and the low-stock list.
  const stale = {
    orders: () => [trpc.reports.pathKey(), trpc.orders.pathKey(), trpc.customers.pathKey()],
    stock: () => [trpc.products.pathKey(), trpc.inventory.pathKey(), trpc.variants.pathKey()],
  };
  type Change = keyof typeof stale | 'everything';

  const refresh = (change: Change) => {
    dirty.current.add(change);
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      const changes = [...dirty.current] as Change[];
      dirty.current.clear();
      if (changes.includes('everything')) return void queryClient.invalidateQueries();
      for (const change of changes) {
        for (const queryKey of stale[change as keyof typeof stale]()) void queryClient.invalidateQueries({ queryKey });
      }
    }, REFRESH_AFTER_MS);
  };

  const onEvent = (event: LiveEvent) => {
    switch (event.type) {
      case 'order.created':
        toast.success(`New order #${event.orderId}`, {
          action: { label: 'View', onClick: () => router.push(`/orders/${event.orderId}`) },
        });
        refresh('orders');
        break;
      case 'order.status':
        refresh('orders');
        break;
      case 'stock':
        refresh('stock');
        break;
      case 'reset':
        // Some changes were missed while the connection was down: everything may be stale.
        refresh('everything');
        break;
    }
  };

  return useSubscription(
    trpc.live.events.subscriptionOptions(undefined, {
      onData: ({ data }) => onEvent(data),
    }),
  );
}

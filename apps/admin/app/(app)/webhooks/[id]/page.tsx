'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { eventsText, WebhookForm, type Endpoint } from '@/components/webhook-form';
import { Badge, Button, Card, ConfirmButton, EmptyState, ErrorState, PageHeader, Pagination, Skeleton, TableSkeleton, TextLink } from '@/components/ui';
import type { FieldErrors } from '@/lib/forms';
import { formatDateTime } from '@/lib/format';
import { errorMessage, showRefusal, useTRPC, useTRPCClient, type RouterOutputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

type Delivery = RouterOutputs['webhookEndpoints']['deliveries']['items'][number];
const PAGE_SIZE = 20;
const statusTone = { pending: 'amber', succeeded: 'green', failed: 'red' } as const;
const statusLabel = { pending: 'Retrying', succeeded: 'Delivered', failed: 'Failed' } as const;

/** Endpoints are few and the API lists them by page only: walk the pages for this one. */
function useEndpoint(id: number) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  return useQuery({
    queryKey: [...trpc.webhookEndpoints.list.pathKey(), 'one', id],
    enabled: Number.isInteger(id) && id > 0,
    queryFn: async (): Promise<Endpoint | null> => {
      for (let page = 1; ; page++) {
        const result = await client.webhookEndpoints.list.query({ page, limit: 50 });
        const found = result.items.find((e) => e.id === id);
        if (found) return found;
        if (page >= result.totalPages) return null;
      }
    },
  });
}

function DeliveryRow({ delivery, onRetry, retrying }: { delivery: Delivery; onRetry: () => void; retrying: boolean }) {
  const d = delivery;
  return (
    <li className="grid gap-2 px-4 py-3 text-sm sm:grid-cols-[minmax(0,2fr)_minmax(0,1.2fr)_minmax(0,1.4fr)_auto] sm:items-start">
      <div className="min-w-0">
        <p className="font-medium text-slate-900">{d.eventType}</p>
        <p className="truncate font-mono text-xs text-slate-600" title={d.eventId}>
          {d.eventId}
        </p>
        <p className="text-xs text-slate-600">{formatDateTime(d.createdAt)}</p>
      </div>
      <div>
        <Badge tone={statusTone[d.status]}>{statusLabel[d.status]}</Badge>
        <p className="mt-1 text-xs text-slate-600">
          {d.attempts} {d.attempts === 1 ? 'try' : 'tries'}
        </p>
      </div>
      <div className="min-w-0 text-xs text-slate-700">
        <p className="tabular-nums">
          {d.responseStatus !== null ? <span className="font-medium text-slate-900">HTTP {d.responseStatus}</span> : <span>No answer</span>}
          {d.latencyMs !== null ? ` · ${d.latencyMs.toLocaleString('en-US')} ms` : ''}
        </p>
        {d.lastAttemptAt ? <p>Last try {formatDateTime(d.lastAttemptAt)}</p> : null}
        {d.status === 'pending' && d.nextAttemptAt ? <p>Next try {formatDateTime(d.nextAttemptAt)}</p> : null}
        {d.error ? <p className="break-words text-red-700">{d.error}</p> : null}
        {d.responseBody ? (
          <details className="mt-1">
            <summary className="cursor-pointer text-indigo-700">Response</summary>
            <pre className="mt-1 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-800">{d.responseBody}</pre>
          </details>
        ) : null}
      </div>
      <div className="sm:text-right">
        <Button
          onClick={onRetry}
          busy={retrying}
          disabled={d.status === 'pending'}
          title={d.status === 'pending' ? 'Still being tried: wait for it to succeed or fail' : undefined}
          aria-label={`Retry delivery ${d.id}`}
        >
          Retry
        </Button>
      </div>
    </li>
  );
}

export default function WebhookEndpointPage() {
  const { id } = useParams<{ id: string }>();
  const endpointId = Number(id);
  const trpc = useTRPC();
  const router = useRouter();
  const url = useUrlState();
  const queryClient = useQueryClient();
  const endpoint = useEndpoint(endpointId);
  const deliveries = useQuery({
    ...trpc.webhookEndpoints.deliveries.queryOptions({ id: endpointId, page: url.int('page', 1), limit: PAGE_SIZE }, { enabled: Boolean(endpoint.data) }),
    placeholderData: keepPreviousData,
    // Tries happen in the background: follow them closely while any is under way (or the first is awaited).
    refetchInterval: (query) => {
      const items = query.state.data?.items;
      return !items || items.length === 0 || items.some((d) => d.status === 'pending') ? 3000 : 15_000;
    },
  });
  const [editing, setEditing] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const refreshEndpoints = () => queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.list.pathKey() });
  const update = useMutation(
    trpc.webhookEndpoints.update.mutationOptions({
      onSuccess: (saved) => {
        toast.success(saved.isActive ? 'Endpoint saved' : 'Endpoint paused');
        setEditing(false);
        setErrors({});
        void refreshEndpoints();
      },
      onError: (error) => showRefusal(error, setErrors),
    }),
  );
  const remove = useMutation(
    trpc.webhookEndpoints.delete.mutationOptions({
      onSuccess: () => (toast.success('Endpoint deleted'), void refreshEndpoints(), router.push('/webhooks')),
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const retry = useMutation(
    trpc.webhookEndpoints.retry.mutationOptions({
      onSuccess: () => (toast.success('Sending again'), void queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.deliveries.pathKey() })),
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  if (endpoint.isPending) {
    return (
      <div role="status" aria-label="Loading endpoint" className="space-y-4">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (endpoint.isError || !endpoint.data) {
    return <ErrorState error={endpoint.error ?? new Error('not found')} onRetry={() => router.push('/webhooks')} what="this endpoint" />;
  }
  const e = endpoint.data;

  return (
    <>
      <p className="mb-2 text-sm"><TextLink href="/webhooks">← Webhooks</TextLink></p>
      <PageHeader title="Webhook endpoint" description={e.description ?? undefined} actions={<Badge tone={e.isActive ? 'green' : 'slate'}>{e.isActive ? 'Active' : 'Paused'}</Badge>} />
      <Card title="Endpoint" className="mb-6">
        {editing ? (
          <WebhookForm endpoint={e} busy={update.isPending} errors={errors} onUpdate={(input) => update.mutate(input)} onCancel={() => setEditing(false)} />
        ) : (
          <div className="space-y-3 p-4 text-sm">
            <p className="break-all font-mono text-slate-900">{e.url}</p>
            <p className="text-slate-700">{eventsText(e.events)}</p>
            <div className="flex flex-wrap items-center gap-2">
              <Button onClick={() => setEditing(true)}>Edit</Button>
              <Button busy={update.isPending} onClick={() => update.mutate({ id: e.id, isActive: !e.isActive })}>
                {e.isActive ? 'Pause' : 'Resume'}
              </Button>
              <ConfirmButton
                label="Delete endpoint"
                question="Delete this endpoint and its delivery log?"
                busy={remove.isPending}
                onConfirm={() => remove.mutate({ id: e.id })}
              />
            </div>
          </div>
        )}
      </Card>
      <Card title="Deliveries">
        {deliveries.isPending ? (
          <TableSkeleton rows={4} label="Loading deliveries" />
        ) : deliveries.isError ? (
          <ErrorState error={deliveries.error} onRetry={() => void deliveries.refetch()} what="deliveries" />
        ) : deliveries.data.items.length === 0 ? (
          <EmptyState>No deliveries yet: one appears here when one of its events happens.</EmptyState>
        ) : (
          <>
            <ul aria-label="Deliveries" className="divide-y divide-slate-100">
              {deliveries.data.items.map((d) => (
                <DeliveryRow key={d.id} delivery={d} retrying={retry.isPending && retry.variables?.id === d.id} onRetry={() => retry.mutate({ id: d.id })} />
              ))}
            </ul>
            <Pagination page={deliveries.data.page} totalPages={deliveries.data.totalPages} total={deliveries.data.total} noun={['delivery', 'deliveries']} onPage={(page) => url.set({ page })} />
          </>
        )}
      </Card>
    </>
  );
}

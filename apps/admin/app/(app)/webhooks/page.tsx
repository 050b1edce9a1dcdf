'use client';

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { eventsText, SecretOnce, WebhookForm, type Endpoint } from '@/components/webhook-form';
import { Badge, Card, EmptyState, ErrorState, PageHeader, Pagination, TableSkeleton, TextLink } from '@/components/ui';
import type { FieldErrors } from '@/lib/forms';
import { formatDate } from '@/lib/format';
import { showRefusal, useTRPC } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 20;

export default function WebhooksPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const queryClient = useQueryClient();
  const list = useQuery({ ...trpc.webhookEndpoints.list.queryOptions({ page: url.int('page', 1), limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(trpc.webhookEndpoints.create.mutationOptions());

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Endpoints that receive store events as signed POSTs. Failed deliveries are retried for about a day."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card title="Endpoints">
          {list.isPending ? (
            <TableSkeleton rows={4} label="Loading endpoints" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} what="webhook endpoints" />
          ) : list.data.items.length === 0 ? (
            <EmptyState>No endpoints yet. Register one to push orders to another system.</EmptyState>
          ) : (
            <>
              <ul aria-label="Webhook endpoints" className="divide-y divide-slate-100">
                {list.data.items.map((e: Endpoint) => (
                  <li key={e.id} className="space-y-1 px-4 py-3">
                    <div className="flex items-start justify-between gap-3">
                      <TextLink href={`/webhooks/${e.id}`} className="min-w-0 break-all">
                        {e.url}
                      </TextLink>
                      <Badge tone={e.isActive ? 'green' : 'slate'}>{e.isActive ? 'Active' : 'Paused'}</Badge>
                    </div>
                    {e.description ? <p className="text-sm text-slate-700">{e.description}</p> : null}
                    <p className="text-xs text-slate-600">
                      {eventsText(e.events)} · since {formatDate(e.createdAt)}
                    </p>
                  </li>
                ))}
              </ul>
              <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['endpoint', 'endpoints']} onPage={(page) => url.set({ page })} />
            </>
          )}
        </Card>
        <Card title="Register an endpoint">
          {secret ? <SecretOnce secret={secret.secret} onDismiss={() => setSecret(null)} /> : null}
          <WebhookForm
            busy={create.isPending}
            errors={errors}
            onCreate={(input, form) =>
              create.mutate(input, {
                onSuccess: (created) => {
                  toast.success('Endpoint registered');
                  setSecret({ url: created.url, secret: created.secret });
                  setErrors({});
                  form.reset();
                  void queryClient.invalidateQueries({ queryKey: trpc.webhookEndpoints.list.pathKey() });
                },
                onError: (error) => showRefusal(error, setErrors),
              })
            }
          />
        </Card>
      </div>
    </>
  );
}

'use client';

import { auditActions, auditEntityTypes } from '@commerce/core/schemas';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useMe } from '@/components/me';
import { Badge, Button, Card, EmptyState, ErrorState, Input, PageHeader, Select, TableSkeleton, TextLink } from '@/components/ui';
import { actionLabels, dayBound, entityHref, entityLabels, fieldLabel, formatValue } from '@/lib/audit';
import { formatDateTime } from '@/lib/format';
import { useTRPC, type RouterInputs, type RouterOutputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

type Entry = RouterOutputs['audit']['list']['items'][number];

const PAGE_SIZE = 25;
const labelClass = 'mb-1 block text-xs font-medium text-slate-700';

export default function AuditPage() {
  const me = useMe();
  if (me.role !== 'admin') {
    return (
      <>
        <PageHeader title="Audit log" />
        <EmptyState>The audit log is for admins.</EmptyState>
      </>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const trpc = useTRPC();
  const url = useUrlState();
  const entityType = auditEntityTypes.find((t) => t === url.get('entityType'));
  const action = auditActions.find((a) => a === url.get('action'));
  const input: Omit<RouterInputs['audit']['list'], 'cursor'> = {
    limit: PAGE_SIZE,
    entityType,
    entityId: url.get('entityId') || undefined,
    actorUserId: url.int('actor'),
    action,
    from: dayBound(url.get('from'), false),
    to: dayBound(url.get('to'), true),
  };
  const list = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(input, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
    placeholderData: keepPreviousData,
  });
  const filtered = Boolean(entityType || input.entityId || input.actorUserId || action || input.from || input.to);

  return (
    <>
      <PageHeader title="Audit log" description="Every change staff and admins made, newest first: who, when, from where, and what changed." />
      <Card>
        <Filters />
        {list.isPending ? (
          <TableSkeleton label="Loading the audit log" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="the audit log" />
        ) : list.data.pages[0]!.items.length === 0 ? (
          <EmptyState>{filtered ? 'No change matches these filters.' : 'No change has been recorded yet.'}</EmptyState>
        ) : (
          <>
            <ol className="divide-y divide-slate-100" aria-busy={list.isFetching} aria-label="Changes">
              {list.data.pages.flatMap((page) => page.items.map((entry) => <AuditEntry key={entry.id} entry={entry} currency={page.currency} />))}
            </ol>
            <div className="border-t border-slate-200 p-4 text-center">
              {list.hasNextPage ? (
                <Button onClick={() => void list.fetchNextPage()} busy={list.isFetchingNextPage}>
                  Show older changes
                </Button>
              ) : (
                <p className="text-sm text-slate-600">That is every change{filtered ? ' matching these filters' : ''}.</p>
              )}
            </div>
          </>
        )}
      </Card>
    </>
  );
}

function Filters() {
  const url = useUrlState();
  const [entityId, setEntityId] = useState(url.get('entityId'));
  const [actor, setActor] = useState(url.get('actor'));
  const shownId = url.get('entityId');
  const shownActor = url.get('actor');
  useEffect(() => setEntityId(shownId), [shownId]);
  useEffect(() => setActor(shownActor), [shownActor]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    url.set({ entityId: entityId.trim(), actor: actor.trim() });
  };
  const any = ['entityType', 'entityId', 'actor', 'action', 'from', 'to'].some((key) => url.get(key));

  return (
    <form onSubmit={submit} aria-label="Filter changes" className="grid grid-cols-2 gap-3 border-b border-slate-200 p-4 md:grid-cols-3 lg:grid-cols-6">
      <div>
        <label htmlFor="audit-type" className={labelClass}>What</label>
        <Select id="audit-type" value={url.get('entityType')} onChange={(e) => url.set({ entityType: e.target.value })}>
          <option value="">Everything</option>
          {auditEntityTypes.map((type) => (
            <option key={type} value={type}>{entityLabels[type]}</option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-id" className={labelClass}>Id</label>
        <Input id="audit-id" inputMode="numeric" placeholder="Any" value={entityId} onChange={(e) => setEntityId(e.target.value)} maxLength={40} />
      </div>
      <div>
        <label htmlFor="audit-action" className={labelClass}>Change</label>
        <Select id="audit-action" value={url.get('action')} onChange={(e) => url.set({ action: e.target.value })}>
          <option value="">Any change</option>
          {auditActions.map((a) => (
            <option key={a} value={a}>{actionLabels[a]}</option>
          ))}
        </Select>
      </div>
      <div>
        <label htmlFor="audit-actor" className={labelClass}>By user id</label>
        <Input id="audit-actor" inputMode="numeric" placeholder="Anyone" value={actor} onChange={(e) => setActor(e.target.value)} maxLength={10} />
      </div>
      <div>
        <label htmlFor="audit-from" className={labelClass}>From</label>
        <Input id="audit-from" type="date" value={url.get('from')} onChange={(e) => url.set({ from: e.target.value })} />
      </div>
      <div>
        <label htmlFor="audit-to" className={labelClass}>To</label>
        <Input id="audit-to" type="date" value={url.get('to')} onChange={(e) => url.set({ to: e.target.value })} />
      </div>
      {/* The lists apply at once; the two text fields on Enter or Apply. */}
      <div className="col-span-2 flex gap-2 md:col-span-3 lg:col-span-6">
        <Button type="submit">Apply</Button>
        {any ? (
          <Button kind="ghost" onClick={() => url.set({ entityType: '', entityId: '', actor: '', action: '', from: '', to: '' })}>
            Clear filters
          </Button>
        ) : null}
      </div>
    </form>
  );
}

function actorLabel(entry: Entry): string {
  if (entry.actorKind === 'system') return 'The system';
  return entry.actorName ?? entry.actorEmail ?? `User #${entry.actorUserId}`;
}

function AuditEntry({ entry, currency }: { entry: Entry; currency: string }) {
  const type = entry.entityType as keyof typeof entityLabels;
  const href = entityHref(entry.entityType, entry.entityId);
  const name = `${entityLabels[type] ?? entry.entityType} #${entry.entityId}`;
  // What a new entity left empty says nothing.
  const fields = Object.entries(entry.changes).filter(([key, change]) => entry.action !== 'create' || formatValue(key, change.after, currency) !== '—');
  return (
    <li className="space-y-3 p-4">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p className="text-sm text-slate-900">
          <span className="mr-2"><Badge tone={entry.action === 'delete' || entry.action === 'archive' ? 'red' : entry.action === 'create' ? 'green' : 'slate'}>{actionLabels[entry.action as keyof typeof actionLabels] ?? entry.action}</Badge></span>
          {href ? <TextLink href={href}>{name}</TextLink> : <span className="font-medium">{name}</span>}
          <span className="text-slate-600"> by </span>
          {entry.actorUserId ? <TextLink href={`/customers/${entry.actorUserId}`}>{actorLabel(entry)}</TextLink> : <span>{actorLabel(entry)}</span>}
        </p>
        <p className="text-xs text-slate-600">
          <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
          {entry.ip ? <> · from {entry.ip}</> : null}
        </p>
      </div>
      {fields.length ? (
        <dl className="grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-4 gap-y-1.5 rounded-md bg-slate-50 p-3 text-sm sm:grid-cols-[10rem_1fr]">
          {fields.map(([key, change]) => (
            <div key={key} className="contents">
              <dt className="text-slate-600">{fieldLabel(key)}</dt>
              <dd className="min-w-0 break-words text-slate-900">
                {entry.action === 'create' ? (
                  formatValue(key, change.after, currency)
                ) : entry.action === 'delete' ? (
                  <del className="text-slate-600">{formatValue(key, change.before, currency)}</del>
                ) : (
                  <>
                    <del className="text-slate-600">{formatValue(key, change.before, currency)}</del>
                    <span aria-hidden className="px-1.5 text-slate-500">→</span>
                    <span className="sr-only"> changed to </span>
                    <ins className="font-medium no-underline">{formatValue(key, change.after, currency)}</ins>
                  </>
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </li>
  );
}

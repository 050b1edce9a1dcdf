'use client';

import { reviewStatusSchema } from '@commerce/core/schemas';
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { Badge, Button, Card, EmptyState, ErrorState, PageHeader, Pagination, Select, TableSkeleton, TextLink } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { errorMessage, useTRPC, type RouterInputs, type RouterOutputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 20;
type Review = RouterOutputs['reviews']['list']['items'][number];
type Decision = 'approved' | 'rejected';

const statusTone = { pending: 'amber', approved: 'green', rejected: 'red' } as const;
const statusText = { pending: 'Pending', approved: 'Approved', rejected: 'Rejected' } as const;

function Stars({ rating }: { rating: number }) {
  return (
    <span role="img" aria-label={`${rating} out of 5 stars`} className="whitespace-nowrap text-amber-600">
      <span aria-hidden>{'★'.repeat(rating)}</span>
      <span aria-hidden className="text-slate-300">{'★'.repeat(5 - rating)}</span>
    </span>
  );
}

export default function ReviewsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const url = useUrlState();
  // The queue first: pending reviews, unless the URL asks for another status or all of them.
  const statusParam = url.get('status') || 'pending';
  const status = reviewStatusSchema.safeParse(statusParam);
  const rating = url.int('rating');
  const input: RouterInputs['reviews']['list'] = {
    page: url.int('page', 1),
    limit: PAGE_SIZE,
    status: status.success ? status.data : undefined,
    productId: url.int('productId'),
    rating: rating !== undefined && rating <= 5 ? rating : undefined,
  };
  const list = useQuery({ ...trpc.reviews.list.queryOptions(input), placeholderData: keepPreviousData });
  const productIds = [...new Set([...(list.data?.items.map((r) => r.productId) ?? []), ...(input.productId ? [input.productId] : [])])];
  const products = useQueries({ queries: productIds.map((id) => ({ ...trpc.products.byId.queryOptions({ id }), staleTime: 60_000 })) });
  const productName = (id: number) => products[productIds.indexOf(id)]?.data?.name ?? `Product #${id}`;
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const items = list.data?.items ?? [];
  useEffect(() => setSelected(new Set()), [list.data]);

  const moderate = useMutation(trpc.reviews.setStatus.mutationOptions());
  const decide = async (ids: number[], decision: Decision) => {
    let done = 0;
    const refused: string[] = [];
    for (const id of ids) {
      try {
        await moderate.mutateAsync({ id, status: decision });
        done += 1;
      } catch (error) {
        refused.push(`#${id}: ${errorMessage(error)}`);
      }
    }
    const verb = decision === 'approved' ? 'Approved' : 'Rejected';
    if (done) toast.success(`${verb} ${done} review${done === 1 ? '' : 's'}`);
    if (refused.length) toast.error(`Not moderated: ${refused.join('; ')}`);
    setSelected(new Set());
    await queryClient.invalidateQueries({ queryKey: trpc.reviews.pathKey() });
  };
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = items.length > 0 && items.every((r) => selected.has(r.id));

  return (
    <>
      <PageHeader title="Reviews" description="Pending reviews wait here; only approved ones are public and count in a product's rating." />
      <Card>
        <div className="grid grid-cols-1 gap-3 border-b border-slate-200 p-4 sm:grid-cols-2">
          <Select aria-label="Status" value={status.success ? status.data : 'all'} onChange={(e) => url.set({ status: e.target.value === 'pending' ? '' : e.target.value })}>
            <option value="pending">Pending (the queue)</option>
            <option value="approved">Approved</option>
            <option value="rejected">Rejected</option>
            <option value="all">Every status</option>
          </Select>
          <Select aria-label="Rating" value={input.rating ?? ''} onChange={(e) => url.set({ rating: e.target.value })}>
            <option value="">Any rating</option>
            {[5, 4, 3, 2, 1].map((r) => (
              <option key={r} value={r}>
                {r} star{r === 1 ? '' : 's'}
              </option>
            ))}
          </Select>
          {input.productId ? (
            <p className="text-sm text-slate-700 sm:col-span-2">
              Showing reviews of <span className="font-medium">{productName(input.productId)}</span>.{' '}
              <button type="button" className="font-medium text-indigo-700 underline" onClick={() => url.set({ productId: undefined })}>
                Show every product’s
              </button>
            </p>
          ) : null}
        </div>
        {list.isPending ? (
          <TableSkeleton label="Loading reviews" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="reviews" />
        ) : items.length === 0 ? (
          <EmptyState>{input.status === 'pending' ? 'Nothing waits for moderation.' : 'No reviews match these filters.'}</EmptyState>
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 bg-slate-50 px-4 py-2.5" aria-busy={list.isFetching}>
              <label className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((r) => r.id)))}
                />
                Select all on this page
              </label>
              <span className="text-sm text-slate-600" aria-live="polite">
                {selected.size ? `${selected.size} selected` : ''}
              </span>
              <div className="ml-auto flex gap-2">
                <Button kind="primary" disabled={!selected.size} busy={moderate.isPending} onClick={() => void decide([...selected], 'approved')}>
                  Approve selected
                </Button>
                <Button disabled={!selected.size} busy={moderate.isPending} onClick={() => void decide([...selected], 'rejected')}>
                  Reject selected
                </Button>
              </div>
            </div>
            <ul className="divide-y divide-slate-100">
              {items.map((review) => (
                <ReviewRow
                  key={review.id}
                  review={review}
                  productName={productName(review.productId)}
                  selected={selected.has(review.id)}
                  onToggle={() => toggle(review.id)}
                  onDecide={(decision) => void decide([review.id], decision)}
                  busy={moderate.isPending}
                  onProduct={() => url.set({ productId: review.productId })}
                />
              ))}
            </ul>
            <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['review', 'reviews']} onPage={(page) => url.set({ page })} />
          </>
        )}
      </Card>
    </>
  );
}

function ReviewRow(props: {
  review: Review;
  productName: string;
  selected: boolean;
  busy: boolean;
  onToggle: () => void;
  onDecide: (decision: Decision) => void;
  onProduct: () => void;
}) {
  const { review } = props;
  const label = `review #${review.id} by ${review.userName}`;
  return (
    <li className="flex gap-3 p-4">
      <input type="checkbox" className="mt-1 size-4 shrink-0" aria-label={`Select ${label}`} checked={props.selected} onChange={props.onToggle} />
      <div className="min-w-0 flex-1 space-y-1.5">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <Stars rating={review.rating} />
          <Badge tone={statusTone[review.status]}>{statusText[review.status]}</Badge>
          {review.verifiedPurchase ? <Badge tone="green">Verified purchase</Badge> : <Badge>Not a verified purchase</Badge>}
        </div>
        {/* The author's text as text: React escapes it, and nothing here reads it as HTML. */}
        {review.title ? <p className="break-words font-medium text-slate-900">{review.title}</p> : null}
        <p className="whitespace-pre-line break-words text-sm text-slate-800">{review.body}</p>
        <p className="text-xs text-slate-600">
          {review.userName} on <TextLink href={`/products/${review.productId}`}>{props.productName}</TextLink> · {formatDateTime(review.createdAt)} ·{' '}
          <button type="button" className="text-indigo-700 underline" onClick={props.onProduct}>
            only this product
          </button>
        </p>
      </div>
      <div className="flex shrink-0 flex-col gap-2 sm:flex-row sm:items-start">
        <Button kind="primary" disabled={review.status === 'approved'} busy={props.busy} aria-label={`Approve ${label}`} onClick={() => props.onDecide('approved')}>
          Approve
        </Button>
        <Button disabled={review.status === 'rejected'} busy={props.busy} aria-label={`Reject ${label}`} onClick={() => props.onDecide('rejected')}>
          Reject
        </Button>
      </div>
    </li>
  );
}

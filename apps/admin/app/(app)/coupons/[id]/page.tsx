'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { CouponForm, discountText } from '@/components/coupon-form';
import { Card, EmptyState, ErrorState, PageHeader, Pagination, Skeleton, StatusBadge, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { formatDateTime, money } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 10;

/** The orders that carry the coupon now: what "used" counts. */
function Redemptions({ couponId }: { couponId: number }) {
  const trpc = useTRPC();
  const url = useUrlState();
  const list = useQuery({ ...trpc.coupons.redemptions.queryOptions({ id: couponId, page: url.int('page', 1), limit: PAGE_SIZE }), placeholderData: keepPreviousData });
  return (
    <Card title="Orders with this coupon" className="mb-6">
      {list.isPending ? (
        <TableSkeleton rows={3} label="Loading orders with this coupon" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} what="the orders" />
      ) : list.data.items.length === 0 ? (
        <EmptyState>No order carries it yet.</EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className="w-full">
              <caption className="sr-only">Orders with this coupon</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>Order</th>
                  <th scope="col" className={`${th} hidden sm:table-cell`}>Customer</th>
                  <th scope="col" className={`${th} text-right`}>Discount</th>
                  <th scope="col" className={`${th} text-right`}>Total</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {list.data.items.map((r) => (
                  <tr key={r.orderId}>
                    <td className={td}>
                      <TextLink href={`/orders/${r.orderId}`}>#{r.orderId}</TextLink>
                      <span className="ml-2">
                        <StatusBadge status={r.status} />
                      </span>
                      <span className="block text-xs text-slate-600">{formatDateTime(r.redeemedAt)}</span>
                      <span className="block break-all text-xs text-slate-600 sm:hidden">{r.customer.name ?? r.customer.email}</span>
                    </td>
                    <td className={`${td} hidden sm:table-cell`}>
                      <span className="block">{r.customer.name ?? r.customer.email}</span>
                      {r.customer.name ? <span className="block break-all text-xs text-slate-600">{r.customer.email}</span> : null}
                    </td>
                    <td className={`${td} whitespace-nowrap text-right tabular-nums`}>{money(-r.discountCents, r.currency)}</td>
                    <td className={`${td} whitespace-nowrap text-right tabular-nums`}>{money(r.totalCents, r.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['order', 'orders']} onPage={(page) => url.set({ page })} />
        </>
      )}
    </Card>
  );
}

export default function CouponPage() {
  const { id } = useParams<{ id: string }>();
  const couponId = Number(id);
  const trpc = useTRPC();
  const router = useRouter();
  // Coupons are few: the list is the one read, and a save refreshes it.
  const list = useQuery(trpc.coupons.list.queryOptions({}));
  const coupon = list.data?.items.find((c) => c.id === couponId);

  if (list.isPending) {
    return (
      <div role="status" aria-label="Loading coupon" className="space-y-4">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (list.isError || !coupon) {
    return <ErrorState error={list.error ?? new Error('not found')} onRetry={() => (list.isError ? void list.refetch() : router.push('/coupons'))} what="this coupon" />;
  }
  const left = coupon.usageLimit === null ? null : Math.max(0, coupon.usageLimit - coupon.timesUsed);
  return (
    <>
      <p className="mb-2 text-sm"><TextLink href="/coupons">← Coupons</TextLink></p>
      <PageHeader
        title={coupon.code}
        description={`${discountText(coupon)} · used ${coupon.timesUsed.toLocaleString('en-US')} ${coupon.timesUsed === 1 ? 'time' : 'times'}${left === null ? '' : `, ${left.toLocaleString('en-US')} left`}`}
      />
      <Redemptions couponId={coupon.id} />
      <CouponForm key={coupon.updatedAt} coupon={coupon} />
    </>
  );
}

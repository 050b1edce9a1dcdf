'use client';

import { useQuery } from '@tanstack/react-query';
import { Card, EmptyState, ErrorState, PageHeader, Skeleton, StatusBadge, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { SalesChart } from '@/components/sales-chart';
import { change, formatDateTime, money } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';

function Stat({ label, value, previous, compareLabel, format }: { label: string; value: number; previous: number; compareLabel: string; format: (n: number) => string }) {
  const delta = change(value, previous);
  const tone = delta === null || delta === 0 ? 'text-slate-600' : delta > 0 ? 'text-emerald-700' : 'text-red-700';
  return (
    <Card className="p-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums text-slate-900 sm:text-2xl">{format(value)}</p>
      <p className={`mt-1 text-xs ${tone}`}>
        {delta === null ? 'new' : `${delta > 0 ? '+' : ''}${delta}%`} <span className="text-slate-600">vs {compareLabel} ({format(previous)})</span>
      </p>
    </Card>
  );
}

export default function HomePage() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.reports.summary.queryOptions());
  const sales = useQuery(trpc.reports.salesByDay.queryOptions({ days: 30 }));
  const lowStock = useQuery(trpc.inventory.lowStock.queryOptions({ limit: 8 }));
  const latest = useQuery(trpc.reports.orders.queryOptions({ limit: 8 }));

  const count = (n: number) => n.toLocaleString('en-US');
  return (
    <>
      <PageHeader title="Home" description="How the shop is doing today and over the last week." />
      <h2 className="sr-only">Key figures</h2>
      {summary.isPending ? (
        <div role="status" aria-label="Loading figures" className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-28" />
          ))}
        </div>
      ) : summary.isError ? (
        <Card><ErrorState error={summary.error} onRetry={() => void summary.refetch()} what="the figures" /></Card>
      ) : (
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
          <Stat label="Revenue today" value={summary.data.today.revenueCents} previous={summary.data.yesterdaySoFar.revenueCents} compareLabel="yesterday so far" format={(n) => money(n, summary.data.currency)} />
          <Stat label="Orders today" value={summary.data.today.orders} previous={summary.data.yesterdaySoFar.orders} compareLabel="yesterday so far" format={count} />
          <Stat label="Revenue, last 7 days" value={summary.data.last7Days.revenueCents} previous={summary.data.previous7Days.revenueCents} compareLabel="previous 7 days" format={(n) => money(n, summary.data.currency)} />
          <Stat label="Orders, last 7 days" value={summary.data.last7Days.orders} previous={summary.data.previous7Days.orders} compareLabel="previous 7 days" format={count} />
        </div>
      )}

      <Card title="Sales, last 30 days" className="mt-6">
        {sales.isPending ? (
          <div role="status" aria-label="Loading sales" className="p-4"><Skeleton className="h-64 w-full" /></div>
        ) : sales.isError ? (
          <ErrorState error={sales.error} onRetry={() => void sales.refetch()} what="sales" />
        ) : (
          <SalesChart days={sales.data.days} currency={sales.data.currency} />
        )}
      </Card>

      <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Latest orders" action={<TextLink href="/orders" className="text-sm">All orders</TextLink>}>
          {latest.isPending ? (
            <TableSkeleton rows={5} label="Loading latest orders" />
          ) : latest.isError ? (
            <ErrorState error={latest.error} onRetry={() => void latest.refetch()} what="the latest orders" />
          ) : latest.data.items.length === 0 ? (
            <EmptyState>No orders yet.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {latest.data.items.map((order) => (
                <li key={order.id} className="flex items-center justify-between gap-3 px-4 py-3">
                  <div className="min-w-0">
                    <TextLink href={`/orders/${order.id}`}>Order #{order.id}</TextLink>
                    <p className="truncate text-xs text-slate-600">
                      {order.customer.email} · {formatDateTime(order.createdAt)}
                    </p>
                  </div>
                  <div className="flex shrink-0 flex-col items-end gap-1">
                    <span className="text-sm font-medium tabular-nums">{money(order.totalCents, order.currency)}</span>
                    <StatusBadge status={order.status} />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Low stock" action={<TextLink href="/products?inStock=false" className="text-sm">Out of stock</TextLink>}>
          {lowStock.isPending ? (
            <TableSkeleton rows={5} label="Loading low stock" />
          ) : lowStock.isError ? (
            <ErrorState error={lowStock.error} onRetry={() => void lowStock.refetch()} what="low stock" />
          ) : lowStock.data.items.length === 0 ? (
            <EmptyState>Every product is above its low-stock threshold.</EmptyState>
          ) : (
            <table className="w-full">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>Product</th>
                  <th scope="col" className={`${th} text-right`}>Stock</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {lowStock.data.items.map((product) => (
                  <tr key={product.variantId}>
                    <td className={td}>
                      <TextLink href={`/products/${product.productId}`}>{product.name}</TextLink>
                      <span className="block text-xs text-slate-600">
                        {product.title === 'Default' ? '' : `${product.title} · `}
                        {product.sku ?? 'No SKU'}
                      </span>
                    </td>
                    <td className={`${td} text-right tabular-nums`}>
                      <span className={product.stock === 0 ? 'font-semibold text-red-700' : undefined}>{product.stock}</span>{' '}
                      <span className="text-xs text-slate-600">of {product.effectiveThreshold}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
      </div>
    </>
  );
}

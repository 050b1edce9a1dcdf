'use client';

import { orderStatusSchema } from '@commerce/core/schemas';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Card, EmptyState, ErrorState, Input, linkButton, PageHeader, Pagination, Select, StatusBadge, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { formatDateTime, money, statusLabels } from '@/lib/format';
import { useTRPC, type RouterInputs } from '@/lib/trpc';
import { exportHref, useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 20;

export default function OrdersPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const status = orderStatusSchema.safeParse(url.get('status'));
  const customer = url.get('customer');
  const input: RouterInputs['reports']['orders'] = {
    page: url.int('page', 1),
    limit: PAGE_SIZE,
    status: status.success ? status.data : undefined,
    userId: url.int('userId'),
    customer: customer || undefined,
  };
  const list = useQuery({ ...trpc.reports.orders.queryOptions(input), placeholderData: keepPreviousData });
  const [search, setSearch] = useState(customer);
  useEffect(() => setSearch(customer), [customer]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    url.set({ customer: search.trim(), userId: undefined });
  };

  return (
    <>
      <PageHeader
        title="Orders"
        description="Newest first. Open an order to move it along."
        actions={
          <a href={exportHref('orders', { status: input.status, userId: input.userId, customer: input.customer })} download className={linkButton.secondary}>
            Export CSV
          </a>
        }
      />
      <Card>
        <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-[2fr_1fr]">
          <form role="search" onSubmit={submit} className="flex gap-2">
            <Input aria-label="Customer email or name" type="search" placeholder="Customer email or name" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} />
            <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-50">
              Search
            </button>
          </form>
          <Select aria-label="Status" value={input.status ?? ''} onChange={(e) => url.set({ status: e.target.value })}>
            <option value="">All statuses</option>
            {orderStatusSchema.options.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </Select>
          {input.userId ? (
            <p className="text-sm text-slate-700 sm:col-span-2">
              Showing one customer’s orders. <button type="button" className="font-medium text-indigo-700 underline" onClick={() => url.set({ userId: undefined })}>Show everyone’s</button>
            </p>
          ) : null}
        </div>
        {list.isPending ? (
          <TableSkeleton label="Loading orders" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="orders" />
        ) : list.data.items.length === 0 ? (
          <EmptyState>No orders match these filters.</EmptyState>
        ) : (
          <>
            <div className="overflow-x-auto" aria-busy={list.isFetching}>
              <table className="w-full min-w-[22rem]">
                <caption className="sr-only">Orders</caption>
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className={th}>Order</th>
                    <th scope="col" className={th}>Customer</th>
                    <th scope="col" className={`${th} hidden md:table-cell`}>Placed</th>
                    <th scope="col" className={th}>Status</th>
                    <th scope="col" className={`${th} text-right`}>Total</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.data.items.map((order) => (
                    <tr key={order.id} className="hover:bg-slate-50">
                      <td className={td}>
                        <TextLink href={`/orders/${order.id}`}>#{order.id}</TextLink>
                        <span className="block text-xs text-slate-600">{order.itemCount} {order.itemCount === 1 ? 'item' : 'items'}</span>
                        <span className="block text-xs text-slate-600 md:hidden">{formatDateTime(order.createdAt)}</span>
                      </td>
                      <td className={td}>
                        <span className="block">{order.customer.name ?? order.customer.email}</span>
                        {order.customer.name ? <span className="block break-all text-xs text-slate-600">{order.customer.email}</span> : null}
                      </td>
                      <td className={`${td} hidden whitespace-nowrap md:table-cell`}>{formatDateTime(order.createdAt)}</td>
                      <td className={td}><StatusBadge status={order.status} /></td>
                      <td className={`${td} text-right tabular-nums`}>{money(order.totalCents, order.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['order', 'orders']} onPage={(page) => url.set({ page })} />
          </>
        )}
      </Card>
    </>
  );
}

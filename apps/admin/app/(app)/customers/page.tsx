'use client';

import { roleSchema } from '@commerce/core/schemas';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Badge, Card, EmptyState, ErrorState, Input, PageHeader, Pagination, Select, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { formatDate, money, roleLabels } from '@/lib/format';
import { useTRPC, type RouterInputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 20;

// The number columns give up padding on phones, so the money column fits a 390 px screen.
const narrowTh = th.replace('px-4', 'px-2 sm:px-4');
const narrowTd = td.replace('px-4', 'px-2 sm:px-4');

export default function CustomersPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const q = url.get('q');
  const role = roleSchema.safeParse(url.get('role'));
  const input: RouterInputs['customers']['list'] = {
    page: url.int('page', 1),
    limit: PAGE_SIZE,
    q: q || undefined,
    role: role.success ? role.data : undefined,
  };
  const list = useQuery({ ...trpc.customers.list.queryOptions(input), placeholderData: keepPreviousData });
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    url.set({ q: search.trim() });
  };

  return (
    <>
      <PageHeader title="Customers" description="Everyone with an account, newest first, with what they ordered." />
      <Card>
        <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-[2fr_1fr]">
          <form role="search" onSubmit={submit} className="flex gap-2">
            <Input aria-label="Search customers" type="search" placeholder="Email or name" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} />
            <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-50">
              Search
            </button>
          </form>
          <Select aria-label="Role" value={input.role ?? ''} onChange={(e) => url.set({ role: e.target.value })}>
            <option value="">All roles</option>
            {roleSchema.options.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </Select>
        </div>
        {list.isPending ? (
          <TableSkeleton label="Loading customers" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="customers" />
        ) : list.data.items.length === 0 ? (
          <EmptyState>No one matches this search.</EmptyState>
        ) : (
          <>
            <div className="overflow-x-auto" aria-busy={list.isFetching}>
              <table className="w-full min-w-[20rem]">
                <caption className="sr-only">Customers</caption>
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className={th}>Customer</th>
                    <th scope="col" className={`${th} hidden md:table-cell`}>Since</th>
                    <th scope="col" className={`${narrowTh} text-right`}>Orders</th>
                    <th scope="col" className={`${narrowTh} text-right`}>
                      <span className="sm:hidden">Spent</span>
                      <span className="hidden sm:inline">Total spent</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.data.items.map((c) => (
                    <tr key={c.id} className="hover:bg-slate-50">
                      <td className={td}>
                        {c.closedAt ? (
                          <>
                            {/* A closed account keeps only its orders: no name, a placeholder email. */}
                            <TextLink href={`/customers/${c.id}`}>Closed account #{c.id}</TextLink>
                            <span className="ml-2"><Badge tone="slate">Closed</Badge></span>
                          </>
                        ) : (
                          <>
                            <TextLink href={`/customers/${c.id}`}>{c.name ?? c.email}</TextLink>
                            {c.role !== 'customer' ? <span className="ml-2"><Badge tone="amber">{roleLabels[c.role]}</Badge></span> : null}
                            {c.name ? <span className="block break-all text-xs text-slate-600">{c.email}</span> : null}
                          </>
                        )}
                      </td>
                      <td className={`${td} hidden whitespace-nowrap md:table-cell`}>{formatDate(c.createdAt)}</td>
                      <td className={`${narrowTd} text-right tabular-nums`}>{c.orderCount.toLocaleString('en-US')}</td>
                      <td className={`${narrowTd} whitespace-nowrap text-right tabular-nums`}>{money(c.totalSpentCents, c.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['person', 'people']} onPage={(page) => url.set({ page })} />
          </>
        )}
      </Card>
    </>
  );
}

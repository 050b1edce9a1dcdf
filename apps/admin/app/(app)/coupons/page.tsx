'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState, type FormEvent } from 'react';
import { COUPON_CURRENCY as CURRENCY, discountText, type Coupon } from '@/components/coupon-form';
import { Badge, Card, EmptyState, ErrorState, Input, linkButton, PageHeader, Select, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { formatDate, money } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

const states = { active: 'Active', scheduled: 'Scheduled', expired: 'Expired', used_up: 'Used up', off: 'Off' } as const;
type State = keyof typeof states;
const tones: Record<State, 'green' | 'amber' | 'red' | 'slate'> = { active: 'green', scheduled: 'amber', expired: 'slate', used_up: 'red', off: 'slate' };

/** Where a coupon stands now, for the badge and the filter: the reason it would be refused first. */
function stateOf(c: Coupon, now: number): State {
  if (!c.isActive) return 'off';
  if (c.endsAt && Date.parse(c.endsAt) <= now) return 'expired';
  if (c.usageLimit !== null && c.timesUsed >= c.usageLimit) return 'used_up';
  if (c.startsAt && Date.parse(c.startsAt) > now) return 'scheduled';
  return 'active';
}

function windowText(c: Coupon) {
  if (c.startsAt && c.endsAt) return `${formatDate(c.startsAt)} – ${formatDate(c.endsAt)}`;
  if (c.startsAt) return `From ${formatDate(c.startsAt)}`;
  if (c.endsAt) return `Until ${formatDate(c.endsAt)}`;
  return 'Always';
}

function Usage({ coupon }: { coupon: Coupon }) {
  const { timesUsed, usageLimit } = coupon;
  const share = usageLimit ? Math.min(100, Math.round((timesUsed / usageLimit) * 100)) : 0;
  return (
    <div className="min-w-24">
      <p className="tabular-nums" data-testid={`usage-${coupon.code}`}>
        {timesUsed.toLocaleString('en-US')}
        {usageLimit !== null ? <span className="text-slate-600"> of {usageLimit.toLocaleString('en-US')}</span> : <span className="text-slate-600"> used</span>}
      </p>
      {usageLimit !== null ? (
        <div className="mt-1 h-1.5 w-full rounded-full bg-slate-100" aria-hidden>
          <div className="h-1.5 rounded-full bg-indigo-500" style={{ width: `${share}%` }} />
        </div>
      ) : null}
      {coupon.perCustomerLimit !== null ? <p className="text-xs text-slate-600">{coupon.perCustomerLimit} per customer</p> : null}
    </div>
  );
}

export default function CouponsPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const list = useQuery(trpc.coupons.list.queryOptions({}));
  const q = url.get('q');
  const state = url.get('state');
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    url.set({ q: search.trim() });
  };
  const now = Date.now();
  const shown = (list.data?.items ?? []).filter((c) => (!q || c.code.includes(q.toUpperCase())) && (!state || stateOf(c, now) === state));

  return (
    <>
      <PageHeader
        title="Coupons"
        description="Codes customers enter at checkout. A use counts once its order is placed; a cancelled unpaid order gives it back."
        actions={
          <Link href="/coupons/new" className={linkButton.primary}>
            New coupon
          </Link>
        }
      />
      <Card>
        <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-[2fr_1fr]">
          <form role="search" onSubmit={submit} className="flex gap-2">
            <Input aria-label="Coupon code" type="search" placeholder="Coupon code" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={32} />
            <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-50">
              Search
            </button>
          </form>
          <Select aria-label="State" value={state} onChange={(e) => url.set({ state: e.target.value })}>
            <option value="">All coupons</option>
            {Object.entries(states).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </div>
        {list.isPending ? (
          <TableSkeleton label="Loading coupons" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="coupons" />
        ) : shown.length === 0 ? (
          <EmptyState>{list.data.items.length === 0 ? 'No coupons yet. Create the first one.' : 'No coupon matches these filters.'}</EmptyState>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full">
              <caption className="sr-only">Coupons</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>Code</th>
                  <th scope="col" className={`${th} hidden sm:table-cell`}>Discount</th>
                  <th scope="col" className={`${th} hidden md:table-cell`}>Valid</th>
                  <th scope="col" className={th}>Used</th>
                  <th scope="col" className={`${th} text-right`}>State</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {shown.map((c) => {
                  const s = stateOf(c, now);
                  return (
                    <tr key={c.id} className="hover:bg-slate-50">
                      <td className={td}>
                        <TextLink href={`/coupons/${c.id}`} className="font-mono">
                          {c.code}
                        </TextLink>
                        <span className="block text-xs text-slate-600 sm:hidden">{discountText(c)}</span>
                        <span className="block text-xs text-slate-600 md:hidden">{windowText(c)}</span>
                      </td>
                      <td className={`${td} hidden sm:table-cell`}>
                        {discountText(c)}
                        {c.minSubtotalCents ? <span className="block text-xs text-slate-600">over {money(c.minSubtotalCents, CURRENCY)}</span> : null}
                        {c.productIds.length + c.categoryIds.length > 0 ? <span className="block text-xs text-slate-600">on chosen products</span> : null}
                      </td>
                      <td className={`${td} hidden whitespace-nowrap md:table-cell`}>{windowText(c)}</td>
                      <td className={td}>
                        <Usage coupon={c} />
                      </td>
                      <td className={`${td} text-right`}>
                        <Badge tone={tones[s]}>{states[s]}</Badge>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}

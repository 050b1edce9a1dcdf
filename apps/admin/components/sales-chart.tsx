'use client';

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { money } from '@/lib/format';
import type { RouterOutputs } from '@/lib/trpc';

type Day = RouterOutputs['reports']['salesByDay']['days'][number];

const shortDate = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const label = (date: string) => shortDate.format(new Date(`${date}T00:00:00Z`));

export function SalesChart({ days, currency }: { days: Day[]; currency: string }) {
  const total = days.reduce((sum, d) => sum + d.revenueCents, 0);
  const orders = days.reduce((sum, d) => sum + d.orders, 0);
  const summary = `${money(total, currency)} revenue from ${orders.toLocaleString('en-US')} orders over ${days.length} days`;
  return (
    <figure className="p-4">
      <figcaption className="mb-3 text-sm text-slate-600">{summary}</figcaption>
      <div className="h-64 w-full" role="img" aria-label={`Daily revenue chart: ${summary}`}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={days} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="date" tickFormatter={label} tick={{ fontSize: 12, fill: '#475569' }} interval="preserveStartEnd" minTickGap={16} />
            <YAxis
              tickFormatter={(v: number) => money(v, currency).replace(/\.00$/, '')}
              tick={{ fontSize: 12, fill: '#475569' }}
              width={72}
            />
            <Tooltip
              labelFormatter={(value) => label(String(value))}
              formatter={(value, _name, item) => [`${money(Number(value), currency)} · ${(item.payload as Day).orders} orders`, 'Revenue']}
            />
            <Bar dataKey="revenueCents" fill="#4f46e5" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

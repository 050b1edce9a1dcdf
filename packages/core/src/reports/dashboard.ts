import { orders } from '@commerce/db';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { keptMoney } from './revenue';
import type { DashboardSummaryDto, SalesByDayDto } from './schemas';

const DAY_MS = 86_400_000;

/** Money kept: a bigint sum comes back as a string from the driver. */
const revenueIn = (from: Date, to: Date) =>
  sql<string>`coalesce(sum(${orders.totalCents}) filter (where ${orders.createdAt} >= ${from.toISOString()} and ${orders.createdAt} < ${to.toISOString()} and ${keptMoney}), 0)::bigint`;
const ordersIn = (from: Date, to: Date) =>
  sql<number>`count(*) filter (where ${orders.createdAt} >= ${from.toISOString()} and ${orders.createdAt} < ${to.toISOString()})::int`;

const startOfUtcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/**
 * Today's and the last 7 days' revenue and order counts beside the period before, in one
 * pass over the last 14 days of orders (a range scan of the created_at index).
 */
export async function dashboardSummary(deps: Deps): Promise<DashboardSummaryDto> {
  const now = deps.clock.now();
  const midnight = startOfUtcDay(now);
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const periods = {
    today: [midnight, now],
    yesterdaySoFar: [new Date(midnight.getTime() - DAY_MS), ago(DAY_MS)],
    last7Days: [ago(7 * DAY_MS), now],
    previous7Days: [ago(14 * DAY_MS), ago(7 * DAY_MS)],
  } as const;
  const columns = Object.fromEntries(
    Object.entries(periods).flatMap(([name, [from, to]]) => [
      [`${name}Revenue`, revenueIn(from, to)],
      [`${name}Orders`, ordersIn(from, to)],
    ]),
  );
  const earliest = new Date(Math.min(periods.previous7Days[0].getTime(), periods.yesterdaySoFar[0].getTime()));
  const [row] = await deps.db
    .select(columns)
    .from(orders)
    .where(sql`${orders.createdAt} >= ${earliest.toISOString()} and ${orders.createdAt} < ${now.toISOString()}`);
  const figures = (name: keyof typeof periods) => ({
    revenueCents: Number(row?.[`${name}Revenue`] ?? 0),
    orders: Number(row?.[`${name}Orders`] ?? 0),
  });
  return {
    currency: deps.settings.currency,
    today: figures('today'),
    yesterdaySoFar: figures('yesterdaySoFar'),
    last7Days: figures('last7Days'),
    previous7Days: figures('previous7Days'),
  };
}

/** Revenue and orders per UTC day for the last `days` days (today included), grouped in SQL. */
export async function salesByDay(deps: Deps, input: { days: number }): Promise<SalesByDayDto> {
  const now = deps.clock.now();
  const today = startOfUtcDay(now);
  const first = new Date(today.getTime() - (input.days - 1) * DAY_MS);
  const day = sql`(${orders.createdAt} at time zone 'UTC')::date`;
  const rows = await deps.db
    .select({
      date: sql<string>`to_char(${day}, 'YYYY-MM-DD')`,
      orders: sql<number>`count(*)::int`,
      revenueCents: sql<string>`coalesce(sum(${orders.totalCents}) filter (where ${keptMoney}), 0)::bigint`,
    })
    .from(orders)
    .where(sql`${orders.createdAt} >= ${first.toISOString()} and ${orders.createdAt} < ${now.toISOString()}`)
    .groupBy(day);
  const byDate = new Map(rows.map((r) => [r.date, r]));
  const days = Array.from({ length: input.days }, (_, i) => {
    const date = new Date(first.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const found = byDate.get(date);
    return { date, orders: Number(found?.orders ?? 0), revenueCents: Number(found?.revenueCents ?? 0) };
  });
  return { currency: deps.settings.currency, days };
}

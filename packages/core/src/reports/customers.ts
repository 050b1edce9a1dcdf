import { orders, users } from '@commerce/db';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { personMatches } from '../auth/users';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import { newestFirst, offsetOf, pageOf, type Page } from '../pagination';
import { keptMoney } from './revenue';
import type { CustomerDto, ListCustomersInput } from './schemas';


// Per-row subqueries over the (user_id, created_at) index: only the page's users are summed.
// The outer row is named in full: drizzle writes a lone-table column unqualified, which the
// subquery would read as its own orders.id.
const outerUser = sql.raw('"users"."id"');
const customerColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  closedAt: users.closedAt,
  orderCount: sql<number>`(select count(*) from ${orders} where ${orders.userId} = ${outerUser})::int`,
  totalSpentCents: sql<string>`(select coalesce(sum(${orders.totalCents}), 0) from ${orders} where ${orders.userId} = ${outerUser} and ${keptMoney})::bigint`,
};

interface CustomerRow extends Omit<CustomerDto, 'createdAt' | 'closedAt' | 'totalSpentCents' | 'currency'> {
  createdAt: Date;
  closedAt: Date | null;
  totalSpentCents: string;
}

function toCustomerDto(row: CustomerRow, currency: string): CustomerDto {
  return {
    ...row,
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    orderCount: Number(row.orderCount),
    totalSpentCents: Number(row.totalSpentCents),
    currency,
  };
}

function customerFilter(input: Pick<ListCustomersInput, 'q' | 'role'>): SQL | undefined {
  const filters: SQL[] = [];
  if (input.q) filters.push(personMatches(input.q));
  if (input.role) filters.push(eq(users.role, input.role));
  return filters.length ? and(...filters) : undefined;
}

/** A page of people with their order count and money spent, newest first, without the total (the ⌘K palette needs none). */
export async function findCustomers(deps: Deps, input: ListCustomersInput): Promise<CustomerDto[]> {
  const rows = await deps.db
    .select(customerColumns)
    .from(users)
    .where(customerFilter(input))
    .orderBy(...newestFirst(users))
    .limit(input.limit)
    .offset(offsetOf(input.page, input.limit));
  return rows.map((row) => toCustomerDto(row, deps.settings.currency));
}

/** `findCustomers` with the number of people matching, for the customers page. */
export async function listCustomers(deps: Deps, input: ListCustomersInput): Promise<Page<CustomerDto>> {
  const [items, [count]] = await Promise.all([
    findCustomers(deps, input),
    deps.db.select({ total: sql<number>`count(*)::int` }).from(users).where(customerFilter(input)),
  ]);
  return pageOf(items, input.page, input.limit, Number(count?.total ?? 0));
}

export async function getCustomer(deps: Deps, id: number): Promise<CustomerDto> {
  const [row] = await deps.db.select(customerColumns).from(users).where(eq(users.id, id));
  if (!row) throw notFound('Customer');
  return toCustomerDto(row, deps.settings.currency);
}

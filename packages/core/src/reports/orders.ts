import { columnsOf, orderEvents, orderItems, orders, orderStatuses, payments, users } from '@commerce/db';
import { and, asc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { notFound } from '../errors';
import { canTransition } from '../orders/status';
import { newestFirst, offsetOf, pageOf, type Page } from '../pagination';
import { personMatches } from '../auth/users';
import type { ListStaffOrdersInput, OrderContextDto, StaffOrderFilter, StaffOrderRowDto } from './schemas';

// Named in full: drizzle writes a lone-table column unqualified, which the subquery would
// read as its own order_items.id.
const outerOrder = sql.raw('"orders"."id"');

/** The staff orders list's filter (status, customer), shared with the CSV export. */
export function staffOrderFilter(deps: Deps, input: StaffOrderFilter): SQL | undefined {
  const filters: SQL[] = [];
  if (input.status) filters.push(eq(orders.status, input.status));
  if (input.userId) filters.push(eq(orders.userId, input.userId));
  if (input.customer) {
    filters.push(inArray(orders.userId, deps.db.select({ id: users.id }).from(users).where(personMatches(input.customer))));
  }
  return filters.length ? and(...filters) : undefined;
}

/**
 * Up to this many people matching a customer search, their orders are read person by person
 * (each one's newest through orders_user_created_idx). Walking every order newest first instead
 * costs what lies before the matches: with few people matching, or a customer who placed most
 * of the recent orders, that is nearly the whole table.
 */
const FEW_PEOPLE = 500;

const staffOrderColumns = {
  id: orders.id,
  status: orders.status,
  totalCents: orders.totalCents,
  currency: orders.currency,
  createdAt: orders.createdAt,
  updatedAt: orders.updatedAt,
  userId: orders.userId,
  itemCount: sql<number>`(select coalesce(sum(${orderItems.quantity}), 0) from ${orderItems} where ${orderItems.orderId} = ${outerOrder})::int`.as('item_count'),
};

/** The page's rows: off the (…, created_at desc, id desc) indexes, or person by person for a customer search that few people match. */
async function staffOrderPage(deps: Deps, input: ListStaffOrdersInput) {
  const offset = offsetOf(input.page, input.limit);
  const people = input.customer
    ? await deps.db.select({ id: users.id }).from(users).where(personMatches(input.customer)).limit(FEW_PEOPLE + 1)
    : [];
  if (input.customer && people.length === 0) return [];
  if (people.length === 0 || people.length > FEW_PEOPLE) {
    return deps.db.select(staffOrderColumns).from(orders).where(staffOrderFilter(deps, input)).orderBy(...newestFirst(orders)).limit(input.limit).offset(offset);
  }
  const theirs = deps.db
    .select(staffOrderColumns)
    .from(orders)
    .where(and(sql`${orders.userId} = person.id`, staffOrderFilter(deps, { ...input, customer: undefined })))
    .orderBy(...newestFirst(orders))
    .limit(offset + input.limit)
    .as('theirs');
  const ids = sql.join(people.map((person) => sql`${person.id}`), sql`, `);
  return deps.db
    .select(columnsOf(theirs, staffOrderColumns))
    .from(sql`unnest(array[${ids}]::int[]) as person(id)`)
    .crossJoinLateral(theirs)
    .orderBy(...newestFirst(theirs))
    .limit(input.limit)
    .offset(offset);
}

/** A page of the staff order table, newest first, each row with its customer and number of units; without the total (the ⌘K palette needs none). */
export async function findStaffOrders(deps: Deps, input: ListStaffOrdersInput): Promise<StaffOrderRowDto[]> {
  // The page first; its customers are looked up after (joining first lets the planner sort every order).
  const rows = await staffOrderPage(deps, input);
  const userIds = [...new Set(rows.map((row) => row.userId))];
  const people = userIds.length
    ? await deps.db.select({ id: users.id, email: users.email, name: users.name }).from(users).where(inArray(users.id, userIds))
    : [];
  const personById = new Map(people.map((person) => [person.id, person]));
  return rows.map((row) => ({
    id: row.id,
    status: row.status,
    totalCents: row.totalCents,
    currency: row.currency,
    itemCount: Number(row.itemCount),
    customer: personById.get(row.userId) ?? { id: row.userId, email: '', name: null },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

/** `findStaffOrders` with the number of orders matching, for the orders page. */
export async function listStaffOrders(deps: Deps, input: ListStaffOrdersInput): Promise<Page<StaffOrderRowDto>> {
  const [items, [count]] = await Promise.all([
    findStaffOrders(deps, input),
    deps.db.select({ total: sql<number>`count(*)::int` }).from(orders).where(staffOrderFilter(deps, input)),
  ]);
  return pageOf(items, input.page, input.limit, Number(count?.total ?? 0));
}

/** What the staff order page shows beside the order itself: who, how it was paid, what may happen next. */
export async function orderContext(deps: Deps, id: number): Promise<OrderContextDto> {
  const [[order], paymentRows, actors] = await Promise.all([
    deps.db
      .select({ status: orders.status, id: users.id, email: users.email, name: users.name, role: users.role })
      .from(orders)
      .innerJoin(users, eq(users.id, orders.userId))
      .where(eq(orders.id, id)),
    deps.db.select().from(payments).where(eq(payments.orderId, id)).orderBy(asc(payments.createdAt), asc(payments.id)),
    deps.db
      .selectDistinct({ id: users.id, email: users.email, name: users.name })
      .from(orderEvents)
      .innerJoin(users, eq(users.id, orderEvents.actorUserId))
      .where(and(eq(orderEvents.orderId, id), isNotNull(orderEvents.actorUserId))),
  ]);
  if (!order) throw notFound('Order');
  const { status, ...customer } = order;
  return {
    customer,
    payments: paymentRows.map((p) => ({
      id: p.id,
      provider: p.provider,
      providerPaymentId: p.providerPaymentId,
      status: p.status,
      amountCents: p.amountCents,
      currency: p.currency,
      createdAt: p.createdAt.toISOString(),
    })),
    nextStatuses: orderStatuses.filter((to) => canTransition(status, to)),
    actors,
  };
}

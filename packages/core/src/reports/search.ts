import { orders, queryRows, users } from '@commerce/db';
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { personMatches } from '../auth/users';
import { asStaff, listProducts } from '../catalog/products';
import type { Deps } from '../deps';
import { customerColumns } from './customers';
import type { SearchEverythingInput, SearchResultsDto } from './schemas';

/** `#1042` or `1042`: an order number. */
const orderNumber = (q: string): number | undefined => {
  const match = /^#?(\d{1,10})$/.exec(q.trim());
  const id = match ? Number(match[1]) : NaN;
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
};

/**
 * Queries are prepared, so Postgres may plan `ILIKE $1` once for every term: walking the
 * newest-first index then reads all 100 000 people or orders for a rare term (350 ms), and
 * the trigram indexes build a bitmap of every person for a common one (`example.com`, 70 ms).
 * Both walks are bounded instead: the newest RECENT rows are searched first (a common term
 * fills the page there), and only if that falls short, at most CANDIDATES people found through
 * the trigram indexes (few, for a term that was not among the newest).
 */
export const RECENT = 2_000;
export const CANDIDATES = 200;
/** pg_trgm needs 3 characters to use its index; a shorter fragment is only looked for among the newest. */
const MIN_TRIGRAM = 3;

const newestFirst = (table: typeof users | typeof orders) => [sql`${table.createdAt} desc nulls last`, sql`${table.id} desc nulls last`];

/** Ids of the newest `limit` people matching among the RECENT newest; unexecuted, for the plan test. */
export const recentPeopleQuery = (deps: Deps, q: string, limit: number) => {
  const recent = deps.db.select().from(users).orderBy(...newestFirst(users)).limit(RECENT).as('users');
  return deps.db.select({ id: recent.id }).from(recent).where(personMatches(q)).orderBy(...newestFirst(users)).limit(limit);
};

/** Ids of the newest `limit` orders among the RECENT newest whose customer matches; unexecuted, for the plan test. */
export const recentOrdersQuery = (deps: Deps, q: string, limit: number) => {
  const recent = deps.db.select().from(orders).orderBy(...newestFirst(orders)).limit(RECENT).as('orders');
  return deps.db
    .select({ id: recent.id })
    .from(recent)
    .innerJoin(users, eq(users.id, recent.userId))
    .where(personMatches(q))
    .orderBy(...newestFirst(orders))
    .limit(limit);
};

/**
 * Up to CANDIDATES people matching, in no order; unexecuted, for the plan test. Written with
 * literals (escaped by drizzle), never parameters: planned for `ILIKE $1 … LIMIT $2`, reading
 * the table until enough match looks as cheap as the trigram indexes, and reads every person
 * for a rare term. Planned for the term itself, its trigram statistics choose.
 */
export const candidatePeopleQuery = (deps: Deps, q: string): SQL =>
  sql`${deps.db.select({ id: users.id }).from(users).where(personMatches(q)).limit(CANDIDATES)}`.inlineParams();

async function ids(query: Promise<{ id: number }[]>): Promise<number[]> {
  return (await query).map((row) => row.id);
}

/** The people part: newest first among the newest, and if that falls short, among the candidates too. */
async function searchPeople(deps: Deps, q: string, limit: number, candidates: () => Promise<number[]>) {
  let found = await ids(recentPeopleQuery(deps, q, limit));
  if (found.length < limit) found = [...found, ...(await candidates())];
  return found.length ? deps.db.select(customerColumns).from(users).where(inArray(users.id, found)).orderBy(...newestFirst(users)).limit(limit) : [];
}

/** The orders part: by number, or newest first among the newest orders, and if that falls short, among the candidates' orders too. */
async function searchOrders(deps: Deps, q: string, limit: number, candidates: () => Promise<number[]>) {
  const number = orderNumber(q);
  if (number !== undefined) return orderRows(deps, eq(orders.id, number), 1);
  const found = await ids(recentOrdersQuery(deps, q, limit));
  if (found.length < limit) {
    const people = await candidates();
    // The (user_id, …) index finds each candidate's orders.
    if (people.length) found.push(...(await ids(deps.db.select({ id: orders.id }).from(orders).where(inArray(orders.userId, people)).orderBy(...newestFirst(orders)).limit(limit))));
  }
  return found.length ? orderRows(deps, inArray(orders.id, found), limit) : [];
}

const orderRows = (deps: Deps, where: SQL, limit: number) =>
  deps.db
    .select({ id: orders.id, status: orders.status, totalCents: orders.totalCents, currency: orders.currency, email: users.email })
    .from(orders)
    .innerJoin(users, eq(users.id, orders.userId))
    .where(where)
    .orderBy(...newestFirst(orders))
    .limit(limit);

/**
 * The admin's ⌘K palette, in one request: products by name, description or exact SKU; orders
 * by number or by their customer's email or name; customers by email or name. Products use
 * the list page's search; people and orders a bounded one (see RECENT), newest first.
 */
export async function searchEverything(deps: Deps, { q, limit }: SearchEverythingInput): Promise<SearchResultsDto> {
  let candidates: Promise<number[]> | undefined;
  // Shared by both parts, asked for at most once.
  const candidatePeople = () => (candidates ??= q.trim().length < MIN_TRIGRAM ? Promise.resolve([]) : ids(queryRows<{ id: number }>(deps.db, candidatePeopleQuery(deps, q))));
  const [products, foundOrders, customers] = await Promise.all([
    listProducts(deps, asStaff, { page: 1, limit, q, sort: 'newest' }),
    searchOrders(deps, q, limit, candidatePeople),
    searchPeople(deps, q, limit, candidatePeople),
  ]);
  return {
    products: products.items.map(({ id, name, sku, isActive, stock }) => ({ id, name, sku, isActive, stock })),
    orders: foundOrders,
    customers: customers.map(({ id, email, name, orderCount }) => ({ id, email, name, orderCount: Number(orderCount) })),
  };
}

import { queryRows, type DbHandle } from '@commerce/db';
import { sql, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { seedCatalog, seedSyntheticProducts } from '../seed';
import { createTestDeps } from '../testing';
import { listProductReviews, productReviewQueries, purchasesQuery, staffReviewQueries } from './reviews';
import { listReviewsInput, productReviewsInput, reviewSorts } from './schemas';

// Every query shape of the review pages, EXPLAINed exactly as they are sent, at 100 000
// reviews (1 000 products × 100 customers, a third approved) and 50 000 orders: none may read
// reviews, orders or order lines sequentially.

const PRODUCTS = 1_000;
const CUSTOMERS = 100;
const REVIEWS = PRODUCTS * CUSTOMERS;
const ORDERS = 50_000;
let handle: DbHandle;
let deps: Deps;
let close: (() => Promise<void>) | undefined;
let productId: number;

beforeAll(async () => {
  ({ deps, handle, close } = await createTestDeps({ poolMax: 2 }));
  await seedCatalog(handle.db);
  await seedSyntheticProducts(handle.db, PRODUCTS);
  const db = handle.db;
  await db.execute(sql`
    insert into users (email, password_hash, name)
    select 'plan-' || i || '@example.test', 'x', 'Customer ' || i from generate_series(1, ${CUSTOMERS}) i`);
  // The i-th review: product i % PRODUCTS of the synthetic ones, by customer i / PRODUCTS.
  await db.execute(sql`
    with p as (select id, row_number() over (order by id) - 1 as n from products where slug like 'synthetic-%' order by id limit ${PRODUCTS}),
         u as (select id, row_number() over (order by id) - 1 as n from users where email like 'plan-%')
    insert into reviews (product_id, user_id, rating, title, body, status, created_at)
    select p.id, u.id, 1 + (i % 5), 'Title ' || i, 'Body of review ' || i,
           (case i % 3 when 0 then 'approved' when 1 then 'pending' else 'rejected' end)::review_status,
           now() - (i || ' minutes')::interval
    from generate_series(0, ${REVIEWS - 1}) i
    join p on p.n = i % ${PRODUCTS}
    join u on u.n = i / ${PRODUCTS}`);
  await db.execute(sql`
    with u as (select id, row_number() over (order by id) - 1 as n from users where email like 'plan-%')
    insert into orders (user_id, status, subtotal_cents, total_cents, currency)
    select u.id, (case i % 4 when 0 then 'paid' when 1 then 'pending' when 2 then 'delivered' else 'cancelled' end)::order_status, 1000, 1000, 'USD'
    from generate_series(0, ${ORDERS - 1}) i join u on u.n = i % ${CUSTOMERS}`);
  await db.execute(sql`
    insert into order_items (order_id, product_id, variant_id, name, variant_title, quantity, unit_price_cents, line_total_cents)
    select o.id, v.product_id, v.id, 'x', 'Default', 1, 1000, 1000
    from orders o
    join lateral (select id, product_id from product_variants where product_id = (select min(id) from products where slug like 'synthetic-%') + (o.id % ${PRODUCTS}) limit 1) v on true`);
  await db.execute(sql`vacuum analyze`);
  const [row] = await queryRows<{ id: number }>(db, sql`select min(id)::int as id from products where slug like 'synthetic-%'`);
  productId = row!.id;
}, 600_000);

afterAll(() => close?.());

const dialect = new PgDialect();

async function explain(query: SQLWrapper & { toSQL(): { sql: string } }): Promise<string> {
  const statement = sql`explain ${query.getSQL()}`;
  expect(dialect.sqlToQuery(statement).sql).toBe(`explain ${query.toSQL().sql}`);
  const rows = await queryRows<{ 'QUERY PLAN': string }>(handle.db, statement);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

const seqScan = /Seq Scan on (reviews|orders|order_items)\b/;

describe(`review page plans at ${REVIEWS} reviews`, () => {
  it('pages and counts a product’s approved reviews by every sort through an index', async () => {
    const found: string[] = [];
    for (const sort of reviewSorts) {
      for (const page of [1, 3]) {
        const queries = productReviewQueries(deps, productReviewsInput.parse({ id: productId, sort, page, limit: 10 }));
        for (const [kind, query] of Object.entries(queries)) {
          const plan = await explain(query);
          if (seqScan.test(plan)) found.push(`${kind} sort=${sort} page=${page}\n${plan}`);
          if (kind === 'page') expect(plan).toMatch(/reviews_public_\w+_idx/);
        }
      }
    }
    expect(found, found.join('\n\n')).toEqual([]);
  });

  it('lists reviews for staff by status, by product, both, and neither through an index', async () => {
    const found: string[] = [];
    for (const filter of [{}, { status: 'pending' }, { productId }, { productId, status: 'approved' }, { page: 100, limit: 50 }]) {
      const queries = staffReviewQueries(deps, listReviewsInput.parse(filter));
      for (const [kind, query] of Object.entries(queries)) {
        // The unfiltered count reads every row by nature; it must still not be the page's problem.
        if (kind === 'count' && Object.keys(filter).every((key) => key === 'page' || key === 'limit')) continue;
        const plan = await explain(query);
        if (seqScan.test(plan)) found.push(`${kind} ${JSON.stringify(filter)}\n${plan}`);
      }
    }
    expect(found, found.join('\n\n')).toEqual([]);
  });

  it('finds which authors of a page bought the product through the indexes', async () => {
    const rows = await productReviewQueries(deps, productReviewsInput.parse({ id: productId, limit: 50 })).page;
    expect(rows.length).toBeGreaterThan(0);
    const plan = await explain(purchasesQuery(handle.db, rows));
    expect(plan).not.toMatch(seqScan);
  });

  it('answers the page it planned: approved only, in the asked order', async () => {
    const page = await listProductReviews(deps, productReviewsInput.parse({ id: productId, sort: 'rating_desc', limit: 50 }));
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.every((review) => review.status === 'approved')).toBe(true);
    const ratings = page.items.map((review) => review.rating);
    expect(ratings).toEqual([...ratings].sort((a, b) => b - a));
  });
});

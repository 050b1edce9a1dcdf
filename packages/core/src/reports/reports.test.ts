import { orderEvents, orderItems, orders, payments, products, users, type OrderStatus } from '@commerce/db';
import { eq, gte, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asStaff, listProducts } from '../catalog/products';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createTestDeps, insertTestProduct, type TestDeps } from '../testing';
import { getCustomer, listCustomers } from './customers';
import { dashboardSummary, salesByDay } from './dashboard';
import { listStaffOrders, orderContext } from './orders';
import { searchEverything } from './search';

// Wednesday 2026-03-18, 15:00 UTC.
const now = new Date('2026-03-18T15:00:00Z');
const at = (iso: string) => new Date(iso);

let t: TestDeps;
let deps: Deps;
let alice: number;
let bob: number;
let productId: number;
let variantId: number;

async function order(userId: number, status: OrderStatus, totalCents: number, createdAt: Date) {
  const [row] = await deps.db
    .insert(orders)
    .values({ userId, status, subtotalCents: totalCents, totalCents, currency: 'USD', createdAt, updatedAt: createdAt })
    .returning({ id: orders.id });
  return row!.id;
}

/**
 * `count` people (`zed-1@example.test`, "Zed 1", …) signed up a second apart from `since`, each
 * with one order per status in `statuses`, placed `after` they signed up.
 */
async function peopleWithOrders(name: string, count: number, since: Date, statuses: OrderStatus[], after = '0 seconds') {
  const each = sql.join(statuses.map((status) => sql`${status}`), sql`, `);
  await deps.db.execute(sql`
    with people as (
      insert into users (email, name, password_hash, created_at)
      select ${name.toLowerCase()} || '-' || n || '@example.test', ${name} || ' ' || n, 'x', ${since.toISOString()}::timestamptz + n * interval '1 second'
      from generate_series(1, ${count}::int) n returning id, created_at)
    insert into orders (user_id, status, subtotal_cents, total_cents, currency, created_at, updated_at)
    select id, s, 100, 100, 'USD', created_at + ${after}::interval, created_at + ${after}::interval
    from people, unnest(array[${each}]::order_status[]) s`);
}

beforeAll(async () => {
  t = await createTestDeps({ clock: { now: () => now } });
  deps = t.deps;
  const [a, b] = await deps.db
    .insert(users)
    .values([
      { email: 'alice@example.test', name: 'Alice Archer', passwordHash: 'x', createdAt: at('2026-01-01T00:00:00Z') },
      { email: 'bob@example.test', name: 'Bob Baker', passwordHash: 'x', createdAt: at('2026-02-01T00:00:00Z') },
    ])
    .returning({ id: users.id });
  alice = a!.id;
  bob = b!.id;
  const mug = await insertTestProduct(deps.db, { name: 'Mug', priceCents: 1000, stock: 5 });
  productId = mug.id;
  variantId = mug.variantIds[0]!;
  // Today (since midnight UTC)
  await order(alice, 'paid', 1000, at('2026-03-18T01:00:00Z'));
  await order(alice, 'pending', 500, at('2026-03-18T14:59:00Z'));
  // Yesterday before 15:00 (compared) and after (not compared to today)
  await order(bob, 'delivered', 2000, at('2026-03-17T10:00:00Z'));
  await order(bob, 'shipped', 4000, at('2026-03-17T16:00:00Z'));
  // 3 days ago: cancelled and refunded count as orders, never as revenue
  await order(bob, 'cancelled', 7000, at('2026-03-15T12:00:00Z'));
  await order(alice, 'refunded', 8000, at('2026-03-15T12:00:00Z'));
  // 10 days ago: the previous 7-day period
  await order(alice, 'paid', 300, at('2026-03-08T12:00:00Z'));
  // Outside every window
  await order(alice, 'paid', 99_999, at('2026-01-05T12:00:00Z'));
  // In the future (clock skew, or a test clock behind): never counted
  await order(alice, 'paid', 55_555, at('2026-03-18T15:00:01Z'));
});

afterAll(async () => {
  await t?.close();
});

describe('dashboardSummary', () => {
  it('sums kept revenue and counts orders per period, beside the period before', async () => {
    const summary = await dashboardSummary(deps);
    expect(summary).toEqual({
      currency: 'USD',
      today: { revenueCents: 1000, orders: 2 },
      yesterdaySoFar: { revenueCents: 2000, orders: 1 },
      last7Days: { revenueCents: 1000 + 2000 + 4000, orders: 6 },
      previous7Days: { revenueCents: 300, orders: 1 },
    });
  });
});

describe('salesByDay', () => {
  it('answers every day of the window, oldest first, with zeros for days without orders', async () => {
    const { days } = await salesByDay(deps, { days: 30 });
    expect(days).toHaveLength(30);
    expect(days[0]!.date).toBe('2026-02-17');
    expect(days.at(-1)).toEqual({ date: '2026-03-18', revenueCents: 1000, orders: 2 });
    expect(days.find((d) => d.date === '2026-03-17')).toEqual({ date: '2026-03-17', revenueCents: 6000, orders: 2 });
    expect(days.find((d) => d.date === '2026-03-15')).toEqual({ date: '2026-03-15', revenueCents: 0, orders: 2 });
    expect(days.find((d) => d.date === '2026-03-01')).toEqual({ date: '2026-03-01', revenueCents: 0, orders: 0 });
  });
});

describe('listCustomers', () => {
  it('gives each person their order count and money kept, newest first', async () => {
    const page = await listCustomers(deps, { page: 1, limit: 10 });
    expect(page.total).toBe(2);
    expect(page.items.map((c) => [c.email, c.orderCount, c.totalSpentCents])).toEqual([
      ['bob@example.test', 3, 6000],
      ['alice@example.test', 6, 1000 + 300 + 99_999 + 55_555],
    ]);
  });

  it('searches email and name case-insensitively, with % taken literally', async () => {
    expect((await listCustomers(deps, { page: 1, limit: 10, q: 'ARCHER' })).items.map((c) => c.id)).toEqual([alice]);
    expect((await listCustomers(deps, { page: 1, limit: 10, q: '%' })).total).toBe(0);
    expect((await listCustomers(deps, { page: 1, limit: 10, role: 'admin' })).total).toBe(0);
  });

  it('reads one customer, and a 404 for an unknown id', async () => {
    expect(await getCustomer(deps, bob)).toMatchObject({ email: 'bob@example.test', orderCount: 3, totalSpentCents: 6000 });
    await expect(getCustomer(deps, 999_999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('listStaffOrders', () => {
  it('filters by status, customer id and customer text, with each row naming its customer', async () => {
    const paid = await listStaffOrders(deps, { page: 1, limit: 10, status: 'paid' });
    expect(paid.total).toBe(4);
    expect(paid.items[0]).toMatchObject({ status: 'paid', customer: { id: alice, email: 'alice@example.test' } });
    expect((await listStaffOrders(deps, { page: 1, limit: 10, userId: bob })).total).toBe(3);
    expect((await listStaffOrders(deps, { page: 1, limit: 10, customer: 'baker' })).total).toBe(3);
    expect((await listStaffOrders(deps, { page: 2, limit: 5 })).items).toHaveLength(4);
  });

  it('pages a customer search alike whether few people match (read person by person) or many (orders walked newest first)', async () => {
    // 600 people, each with a paid and a pending order at the same moment (the id breaks the tie).
    const since = at('2026-04-01T00:00:00Z');
    await peopleWithOrders('Crowd', 600, since, ['paid', 'pending']);
    // And crowd-1 the 30 newest besides: pages past the first need more than a page of one person's orders.
    await deps.db.execute(sql`
      insert into orders (user_id, status, subtotal_cents, total_cents, currency, created_at, updated_at)
      select u.id, 'paid', 100, 100, 'USD', ${since.toISOString()}::timestamptz + interval '1 hour' + n * interval '1 second', now()
      from users u, generate_series(1, 30) n where u.email = 'crowd-1@example.test'`);
    try {
      // 'crowd-1' matches 111 people (1, 10–19, 100–199), 'crowd' all 600.
      for (const customer of ['crowd-1', 'crowd']) {
        for (const status of [undefined, 'paid'] as const) {
          const pattern = `%${customer}%`;
          const expected = (
            await deps.db
              .select({ id: orders.id })
              .from(orders)
              .innerJoin(users, eq(users.id, orders.userId))
              .where(sql`${users.email} ilike ${pattern} ${status ? sql`and ${orders.status} = ${status}` : sql``}`)
              .orderBy(sql`${orders.createdAt} desc`, sql`${orders.id} desc`)
          ).map((row) => row.id);
          for (const page of [1, 2, 4, 30]) {
            const found = await listStaffOrders(deps, { page, limit: 7, customer, ...(status && { status }) });
            expect(found.items.map((o) => o.id)).toEqual(expected.slice((page - 1) * 7, page * 7));
            expect(found.total).toBe(expected.length);
          }
        }
      }
      expect((await listStaffOrders(deps, { page: 1, limit: 7, customer: 'nobody-matches-this' })).items).toEqual([]);
    } finally {
      await deps.db.delete(orders).where(gte(orders.createdAt, since));
      await deps.db.delete(users).where(gte(users.createdAt, since));
    }
  });

  it('counts the units on each order', async () => {
    const id = await order(bob, 'pending', 3000, at('2026-03-18T04:00:00Z'));
    await deps.db.insert(orderItems).values([
      { orderId: id, productId, variantId, name: 'Mug', variantTitle: 'Default', quantity: 2, unitPriceCents: 1000, lineTotalCents: 2000 },
      { orderId: id, productId, variantId, name: 'Mug', variantTitle: 'Default', quantity: 1, unitPriceCents: 1000, lineTotalCents: 1000 },
    ]);
    const page = await listStaffOrders(deps, { page: 1, limit: 50, userId: bob });
    expect(page.items.find((o) => o.id === id)).toMatchObject({ itemCount: 3, customer: { id: bob, name: 'Bob Baker' } });
  });
});

describe('orderContext', () => {
  it('names the customer, payments, timeline actors and the legal next statuses', async () => {
    const id = await order(bob, 'paid', 1200, at('2026-03-18T02:00:00Z'));
    await deps.db.insert(payments).values({
      orderId: id,
      provider: 'offline',
      providerPaymentId: `offline_pi_${id}`,
      status: 'succeeded',
      amountCents: 1200,
      currency: 'USD',
    });
    await deps.db.insert(orderEvents).values({ orderId: id, fromStatus: 'pending', toStatus: 'paid', actorUserId: alice, actorKind: 'staff' });
    const context = await orderContext(deps, id);
    expect(context.customer).toMatchObject({ id: bob, email: 'bob@example.test', role: 'customer' });
    expect(context.payments).toEqual([expect.objectContaining({ provider: 'offline', amountCents: 1200 })]);
    expect(context.actors).toEqual([{ id: alice, email: 'alice@example.test', name: 'Alice Archer' }]);
    expect(context.nextStatuses).toEqual(['shipped', 'cancelled', 'refunded']);
  });

  it('offers nothing after a final status, and a 404 for an unknown order', async () => {
    const id = await order(bob, 'refunded', 100, at('2026-03-18T03:00:00Z'));
    expect((await orderContext(deps, id)).nextStatuses).toEqual([]);
    await expect(orderContext(deps, 999_999)).rejects.toBeInstanceOf(AppError);
  });
});

describe('searchEverything (the ⌘K palette)', () => {
  it('finds customers and their orders by email or name, and products by name, in one call', async () => {
    const found = await searchEverything(deps, { q: 'ALICE', limit: 5 });
    expect(found.customers.map((c) => c.email)).toEqual(['alice@example.test']);
    expect(found.orders.length).toBe(5);
    expect(found.orders.every((o) => o.email === 'alice@example.test')).toBe(true);
    expect(found.products).toEqual([]);
    const mug = await searchEverything(deps, { q: 'mug', limit: 5 });
    expect(mug.products.map((p) => p.id)).toEqual([productId]);
    expect(mug.customers).toEqual([]);
  });

  it('reads a number (with or without #) as an order number, and finds nothing for one that does not exist', async () => {
    const [first] = (await listStaffOrders(deps, { page: 1, limit: 1 })).items;
    for (const q of [String(first!.id), `#${first!.id}`]) {
      const found = await searchEverything(deps, { q, limit: 5 });
      expect(found.orders.map((o) => o.id)).toEqual([first!.id]);
    }
    expect((await searchEverything(deps, { q: '#2147483647', limit: 5 })).orders).toEqual([]);
  });

  it('looks for a fragment under 3 characters among the newest people and orders', async () => {
    const found = await searchEverything(deps, { q: 'bo', limit: 5 });
    expect(found.customers.map((c) => c.email)).toEqual(['bob@example.test']);
    const expected = (await listStaffOrders(deps, { page: 1, limit: 5, userId: bob })).items.map((o) => o.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(found.orders.map((o) => o.id)).toEqual(expected);
  });

  it('takes quotes and backslashes in a term literally', async () => {
    for (const q of ["alice' or 'x'='x", 'ali\\ce', "o'brien"]) {
      const found = await searchEverything(deps, { q, limit: 5 });
      expect(found.customers).toEqual([]);
      expect(found.orders).toEqual([]);
    }
  });

  it('finds the products the list finds, newest first, among a few matches and among more than 2 000', async () => {
    // 2 100 lanterns (more than the palette sorts from the text index), the newest written last,
    // three of them lamps too.
    await deps.db.execute(sql`
      with made as (
        insert into products (slug, name, price_cents, stock, created_at, updated_at)
        select 'lantern-' || n, 'Lantern ' || n || case when n % 700 = 0 then ' lamp' else '' end, 100, 1,
          now() + n * interval '1 minute', now()
        from generate_series(1, 2100) n returning id)
      insert into product_variants (product_id, title, sku, price_cents, stock)
      select id, 'Default', 'LAN-' || id, 100, 1 from made`);
    try {
      const [lantern] = await deps.db.select({ id: products.id }).from(products).where(eq(products.slug, 'lantern-5'));
      for (const q of ['lantern', 'lamp', `lan-${lantern!.id}`]) {
        const listed = (await listProducts(deps, asStaff, { page: 1, limit: 5, q, sort: 'newest' })).items;
        expect(listed.length).toBeGreaterThan(0);
        const shown = listed.map(({ id, name, sku, isActive, stock }) => ({ id, name, sku, isActive, stock }));
        expect((await searchEverything(deps, { q, limit: 5 })).products).toEqual(shown);
      }
    } finally {
      await deps.db.execute(sql`delete from product_variants where product_id in (select id from products where slug like 'lantern-%')`);
      await deps.db.delete(products).where(like(products.slug, 'lantern-%'));
    }
  });

  it('still finds people and orders older than the 2 000 newest, newest first', async () => {
    // 2 000 newer people, each with a newer order: alice and her orders are far from the newest.
    const since = at('2026-03-01T00:00:00Z');
    await peopleWithOrders('Zed', 2000, since, ['paid'], '30 days');
    try {
      const found = await searchEverything(deps, { q: 'alice', limit: 5 });
      expect(found.customers.map((c) => c.id)).toEqual([alice]);
      const expected = (await listStaffOrders(deps, { page: 1, limit: 5, userId: alice })).items.map((o) => o.id);
      expect(found.orders.map((o) => o.id)).toEqual(expected);
      const zed = await searchEverything(deps, { q: 'zed-1@', limit: 5 });
      expect(zed.customers.map((c) => c.email)).toEqual(['zed-1@example.test']);
      expect(zed.orders.map((o) => o.email)).toEqual(['zed-1@example.test']);
    } finally {
      await deps.db.delete(orders).where(gte(orders.createdAt, at('2026-03-20T00:00:00Z')));
      await deps.db.delete(users).where(gte(users.createdAt, since));
    }
  });
});

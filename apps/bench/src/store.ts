import { deleteKeysWithPrefix } from '@commerce/core/testing';
import { seedCatalog, seedSyntheticProducts } from '@commerce/core';
import { createDb, queryRows, type DbHandle } from '@commerce/db';
import { createTestDatabase, testKeyPrefix, testRedisUrl, type TestDatabase } from '@commerce/db/testing';
import { sql } from 'drizzle-orm';
import { seedPeopleAndOrders } from './people';
import { spawnServer, type ServerProcess } from './server';

/** Units given to each product the order scenarios buy: none of them may run out in a run. */
export const ORDER_STOCK = 1_000_000;

export interface StoreOptions {
  products: number;
  /** Buyers registered for the authenticated scenarios (each connection signs in as one). */
  buyers: number;
  /** Products the "spread" orders choose from. */
  spread: number;
  cpuProfileDir?: string | undefined;
  log(line: string): void;
}

export interface Buyer {
  id: number;
  token: string;
}

export interface Store {
  /** Catalog cache on (the default configuration). */
  cached: ServerProcess;
  /** CATALOG_CACHE_SECONDS=0: every catalog read goes to the database. */
  uncached: ServerProcess;
  database: TestDatabase;
  handle: DbHandle;
  buyers: Buyer[];
  /** A bearer token of the store's admin (staff reads). */
  adminToken: string;
  /** The one product every "hot" order buys, and the ones "spread" orders pick from (single-variant, active). */
  hot: number;
  spread: number[];
  /** The highest order id before any scenario ran: orders above it are the run's. */
  firstOrderId: number;
  seedSeconds: number;
  close(): Promise<void>;
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 200 || !body.token) throw new Error(`sign in ${email}: status ${response.status}`);
  return body.token;
}

async function register(url: string, email: string): Promise<Buyer> {
  const response = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-123' }),
  });
  const body = (await response.json()) as { token?: string; user?: { id: number } };
  if (response.status !== 200 || !body.token || !body.user) throw new Error(`register ${email}: status ${response.status}`);
  return { id: body.user.id, token: body.token };
}

/**
 * A fresh Postgres database (cloned from the migrated template, dropped by close) seeded with
 * the sample catalog and the synthetic products, and two server processes on it sharing one
 * Redis key space: one with the catalog cache, one without. Production settings, except the
 * limits a load from one address and a few buyers would only measure as 429s.
 */
export async function startStore(options: StoreOptions): Promise<Store> {
  const { log } = options;
  const database = await createTestDatabase();
  const handle = await createDb({ databaseUrl: database.url, poolMax: 4 });
  const started: ServerProcess[] = [];
  const keyPrefix = testKeyPrefix();
  const close = async () => {
    for (const server of started) await server.stop().catch(() => {});
    log(`removed ${await deleteKeysWithPrefix(testRedisUrl, keyPrefix)} Redis keys under ${keyPrefix}`);
    await handle.close();
    await database.drop();
  };
  try {
    const seedStart = performance.now();
    await seedCatalog(handle.db);
    await seedSyntheticProducts(handle.db, options.products);
    // As many customers and past orders as products: what the staff ⌘K palette searches.
    await seedPeopleAndOrders(handle.db, options.products);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    log(`seeded ${options.products} synthetic products, customers and past orders in ${seedSeconds.toFixed(1)} s`);

    // Single-variant active products, far apart in the catalog, each stocked for the whole run.
    const picked = await queryRows<{ id: number }>(
      handle.db,
      sql`select p.id from products p
          where p.slug like 'synthetic-%' and p.is_active and p.archived_at is null
            and (select count(*) from product_variants v where v.product_id = p.id) = 1
          order by p.id limit ${options.spread + 1}`,
    );
    const ids = picked.map((row) => row.id);
    if (ids.length < options.spread + 1) throw new Error(`only ${ids.length} single-variant products to order`);
    const idList = sql.raw(ids.join(','));
    await handle.db.execute(sql`update product_variants set stock = ${ORDER_STOCK} where product_id in (${idList})`);
    await handle.db.execute(sql`update products set stock = ${ORDER_STOCK} where id in (${idList})`);
    // What the conservation check at the end compares with.
    await handle.db.execute(sql`create table bench_initial_stock as select id as variant_id, stock from product_variants`);
    // The demo orders' statuses: the servers' expiry sweep cancels the old unpaid ones, which puts their units back.
    await handle.db.execute(sql`create table bench_initial_orders as select id, status from orders`);
    const [maxOrder] = await queryRows<{ id: number }>(handle.db, sql`select coalesce(max(id), 0)::int as id from orders`);
    // Pages written out now, so Postgres does not flush them while scenarios run.
    await handle.db.execute(sql`vacuum analyze products`);
    await handle.db.execute(sql`vacuum analyze product_variants`);
    await handle.db.execute(sql`checkpoint`).catch(() => log('CHECKPOINT not allowed for this user'));

    const env = {
      NODE_ENV: 'production',
      ADMIN_EMAIL: 'bench-admin@example.com',
      ADMIN_PASSWORD: 'bench-admin-password',
      PAYMENTS_OFFLINE: 'true',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      // Every limiter still runs (its Redis round trip is part of each request), set far above
      // what one address and a few buyers send in a run: otherwise the bench measures 429s.
      RATE_LIMIT_REQUESTS_PER_IP: '0',
      RATE_LIMIT_REQUESTS_PER_USER: '1000000',
      RATE_LIMIT_ORDERS_PER_USER: '1000000',
      RATE_LIMIT_REGISTER_PER_IP: '1000000',
      PENDING_ORDERS_PER_CUSTOMER: '1000000',
      PENDING_UNITS_PER_CUSTOMER: '100000000',
      ...(process.env.BENCH_OUTBOX_POLL_MS && { OUTBOX_POLL_MS: process.env.BENCH_OUTBOX_POLL_MS }),
      ...(process.env.BENCH_POOL_MAX && { DATABASE_POOL_MAX: process.env.BENCH_POOL_MAX }),
    };
    const cached = await spawnServer(env, { cpuProfileDir: options.cpuProfileDir });
    started.push(cached);
    log(`server (${cached.mode}) listening in ${Math.round(cached.startMs)} ms, pid ${cached.pid}`);
    const uncached = await spawnServer({ ...env, CATALOG_CACHE_SECONDS: '0' }, { cpuProfileDir: options.cpuProfileDir });
    started.push(uncached);

    const buyers: Buyer[] = [];
    const stamp = `${process.pid}-${Date.now()}`;
    for (let i = 0; i < options.buyers; i += 8) {
      const batch = Array.from({ length: Math.min(8, options.buyers - i) }, (_, j) => register(cached.url, `bench-${stamp}-${i + j}@example.test`));
      buyers.push(...(await Promise.all(batch)));
    }
    log(`registered ${buyers.length} buyers`);
    const adminToken = await signIn(cached.url, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    return {
      cached,
      uncached,
      database,
      handle,
      buyers,
      adminToken,
      hot: ids[0]!,
      spread: ids.slice(1),
      firstOrderId: maxOrder?.id ?? 0,
      seedSeconds,
      close,
    };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}

/**
 * Waits until the servers' dispatchers have delivered every outbox row due now (the emails the
 * order scenarios caused), at most `limitMs`: answers how many were waiting and how long they took.
 */
export async function drainOutbox(store: Store, limitMs: number): Promise<{ rows: number; seconds: number; drained: boolean }> {
  const open = async () => {
    const [row] = await queryRows<{ n: number }>(
      store.handle.db,
      sql`select count(*)::int as n from outbox where completed_at is null and failed_at is null and run_at <= now()`,
    );
    return Number(row?.n ?? 0);
  };
  const started = performance.now();
  const rows = await open();
  let left = rows;
  while (left > 0 && performance.now() - started < limitMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await open();
  }
  return { rows, seconds: (performance.now() - started) / 1000, drained: left === 0 };
}

export interface Conservation {
  variants: number;
  /** Variants whose stock + units sold in the run differs from their stock before it. */
  broken: number;
  unitsSold: number;
  /** Ordered products whose total differs from their live, active variants' stock added up. */
  productTotalsOff: number;
}

/** Every variant: stock now + units sold in the run's orders (not cancelled) = stock before the run. */
export async function checkConservation(store: Store, excludeUserId: number): Promise<Conservation> {
  const [row] = await queryRows<{ variants: number; broken: number; sold: number }>(
    store.handle.db,
    sql`select count(*)::int as variants,
          count(*) filter (where v.stock + coalesce(s.sold, 0) <> i.stock)::int as broken,
          coalesce(sum(s.sold), 0)::bigint as sold
        from bench_initial_stock i
        join product_variants v on v.id = i.variant_id
        left join (select variant_id, sum(sold)::int as sold from (
          select oi.variant_id, sum(oi.quantity)::int as sold
          from order_items oi join orders o on o.id = oi.order_id
          where o.id > ${store.firstOrderId} and o.user_id <> ${excludeUserId} and o.status <> 'cancelled'
          group by oi.variant_id
          union all
          -- Units of orders placed before the run and cancelled during it came back: negative sales.
          select oi.variant_id, -sum(oi.quantity)::int
          from order_items oi join orders o on o.id = oi.order_id join bench_initial_orders b on b.id = o.id
          where o.status = 'cancelled' and b.status <> 'cancelled'
          group by oi.variant_id
        ) moves group by variant_id) s on s.variant_id = i.variant_id`,
  );
  if (Number(row?.broken ?? 0) > 0) {
    const off = await queryRows(
      store.handle.db,
      sql`select i.variant_id, v.product_id, i.stock as before, v.stock as now,
            (select coalesce(sum(oi.quantity), 0)::int from order_items oi join orders o on o.id = oi.order_id
              where oi.variant_id = i.variant_id and o.id > ${store.firstOrderId}) as in_orders,
            (select string_agg(distinct o.status::text || '/' || o.user_id, ',') from order_items oi join orders o on o.id = oi.order_id
              where oi.variant_id = i.variant_id and o.id > ${store.firstOrderId}) as statuses
          from bench_initial_stock i join product_variants v on v.id = i.variant_id
          where v.stock <> i.stock
             or exists (select 1 from order_items oi join orders o on o.id = oi.order_id
                        where oi.variant_id = i.variant_id and o.id > ${store.firstOrderId})`,
    );
    const mismatched = off.filter((r) => Number(r.before) - Number(r.now) !== Number(r.in_orders)).slice(0, 20);
    console.error(`[bench] variants off (all orders of the run counted): ${JSON.stringify(mismatched)}`);
  }
  const [totals] = await queryRows<{ off: number }>(
    store.handle.db,
    sql`select count(*)::int as off from products p
        where p.id in (${sql.raw([store.hot, ...store.spread].join(','))})
          and p.stock <> coalesce((select sum(v.stock) from product_variants v
            where v.product_id = p.id and v.is_active and v.archived_at is null), 0)`,
  );
  return {
    variants: Number(row?.variants ?? 0),
    broken: Number(row?.broken ?? 0),
    unitsSold: Number(row?.sold ?? 0),
    productTotalsOff: Number(totals?.off ?? 0),
  };
}

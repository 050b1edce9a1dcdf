import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queryRows } from '@commerce/db';
import { sql } from 'drizzle-orm';
import type { Store } from './store';

export interface CeilingResult {
  tps: number;
  latencyMs: number;
  failed: number;
  tool: 'pgbench';
}

/** pgbench from the Postgres client tools, when installed. */
export const pgbenchAvailable = () => spawnSync('pgbench', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * The physical ceiling of an order: the smallest transaction that can do its job, one statement
 * that takes a unit from a narrow stock row of its own (id, product, variant, stock: no other
 * column, no index but its key) and writes the order, its line and its first event into the
 * store's own tables (with their indexes and foreign keys). Its orders belong to `userId`, whom
 * the conservation check leaves out, and are deleted once it has run.
 */
export async function prepareCeiling(store: Store, products: number[]): Promise<void> {
  await store.handle.db.execute(sql`create table bench_stock (
    id int primary key, product_id int not null, variant_id int not null, stock int not null check (stock >= 0))`);
  await store.handle.db.execute(sql`insert into bench_stock (id, product_id, variant_id, stock)
    select row_number() over (order by v.product_id), v.product_id, v.id, 1000000
    from product_variants v where v.product_id in (${sql.raw(products.join(','))})`);
  const [count] = await queryRows<{ n: number }>(store.handle.db, sql`select count(*)::int as n from bench_stock`);
  if (Number(count?.n) !== products.length) throw new Error('ceiling: stock rows do not match the products');
}

const script = (userId: number, rows: number) => `\\set k random(1, ${rows})
with s as (update bench_stock set stock = stock - 1 where id = :k and stock >= 1 returning product_id, variant_id),
o as (insert into orders (user_id, status, subtotal_cents, total_cents, currency) select ${userId}, 'pending', 1000, 1000, 'USD' from s returning id),
i as (insert into order_items (order_id, product_id, variant_id, name, variant_title, quantity, unit_price_cents, line_total_cents)
      select o.id, s.product_id, s.variant_id, 'Ceiling', 'Default', 1, 1000, 1000 from o, s),
e as (insert into order_events (order_id, to_status, actor_user_id, actor_kind) select o.id, 'pending', ${userId}, 'customer' from o)
select id from o;
`;

function pgbench(url: string, file: string, clients: number, seconds: number): Promise<CeilingResult> {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') throw new Error(`refusing to load ${hostname}`);
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', file, url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const tps = /tps = ([\d.]+)/.exec(out);
      const latency = /latency average = ([\d.]+) ms/.exec(out);
      const failed = /number of failed transactions: (\d+)/.exec(out);
      if (code !== 0 || !tps) reject(new Error(`pgbench exited with ${code}:\n${out}`));
      else resolve({ tps: Number(tps[1]), latencyMs: Number(latency?.[1] ?? 0), failed: Number(failed?.[1] ?? 0), tool: 'pgbench' });
    });
  });
}

/** Runs the ceiling on `rows` stock rows (1: every order on one product), warm-up first. */
export async function measureCeiling(
  store: Store,
  { userId, rows, clients, warmupSeconds, durationSeconds }: { userId: number; rows: number; clients: number; warmupSeconds: number; durationSeconds: number },
): Promise<CeilingResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ceiling-'));
  try {
    const file = join(dir, 'order.sql');
    writeFileSync(file, script(userId, rows));
    if (warmupSeconds > 0) await pgbench(store.database.url, file, clients, Math.max(1, Math.round(warmupSeconds)));
    return await pgbench(store.database.url, file, clients, durationSeconds);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // Its orders (tens of thousands, all one placeholder customer's, all the newest) are the
    // measurement's, not the shop's: the rows after it read the catalog and orders they were given.
    await store.handle.db.execute(sql`delete from orders where user_id = ${userId}`);
    await store.handle.db.execute(sql`vacuum analyze orders, order_items, order_events`);
  }
}

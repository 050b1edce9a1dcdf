import { queryRows, type DbHandle } from '@commerce/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { createTestDeps } from '../testing';
import { candidatePeopleQuery, recentOrdersQuery, recentPeopleQuery } from './search';

// The palette's people and order queries on 100 000 people and orders, EXPLAINed as Postgres
// runs them once prepared: with the generic plan, which cannot tell a rare term from a common one.

const PEOPLE = 100_000;
let handle: DbHandle;
let deps: Deps;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  // One connection: the plan cache mode and the prepared statements are per session.
  ({ deps, handle, close } = await createTestDeps({ poolMax: 1 }));
  await handle.db.execute(sql`
    with people as (
      insert into users (email, name, password_hash, created_at)
      select 'person-' || n || '@example.test', 'Person ' || n, 'x', now() - n * interval '1 minute'
      from generate_series(1, ${PEOPLE}) n returning id, created_at)
    insert into orders (user_id, status, subtotal_cents, total_cents, currency, created_at, updated_at)
    select id, 'paid', 100, 100, 'USD', created_at, created_at from people`);
  await handle.db.execute(sql`analyze users`);
  await handle.db.execute(sql`analyze orders`);
  await handle.db.execute(sql`set plan_cache_mode = force_generic_plan`);
}, 300_000);

afterAll(() => close?.());

let statements = 0;
async function genericPlan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string> {
  const { sql: text, params } = query.toSQL();
  const name = `palette_${statements++}`;
  await handle.db.execute(sql.raw(`prepare ${name} as ${text}`));
  // EXPLAIN EXECUTE takes no bound parameters: the test's own values, as literals.
  const args = params.map((param) => (typeof param === 'number' ? String(param) : `'${String(param).replaceAll("'", "''")}'`));
  const rows = await queryRows<{ 'QUERY PLAN': string }>(handle.db, sql.raw(`explain execute ${name}(${args.join(', ')})`));
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe('the ⌘K palette at scale', () => {
  it('reads only the newest people and orders through the newest-first indexes', async () => {
    const people = await genericPlan(recentPeopleQuery(deps, 'torvalds', 5));
    expect(people).toMatch(/Index Scan using users_created_idx on users/);
    expect(people).not.toMatch(/Seq Scan/);
    const orders = await genericPlan(recentOrdersQuery(deps, 'torvalds', 5));
    expect(orders).toMatch(/Index Scan using orders_created_idx on orders/);
    expect(orders).not.toMatch(/Seq Scan/);
  });

  it('finds the other candidates through the trigram indexes, never reading every person', async () => {
    const plan = (await queryRows<{ 'QUERY PLAN': string }>(handle.db, sql`explain ${candidatePeopleQuery(deps, 'torvalds')}`)).map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Bitmap Index Scan on users_email_trgm_idx/);
    expect(plan).toMatch(/Bitmap Index Scan on users_name_trgm_idx/);
    expect(plan).not.toMatch(/Seq Scan|users_created_idx/);
  });
});

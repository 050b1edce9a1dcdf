import { afterCommit, transaction } from '@commerce/core';
import { createDb, type Database } from '@commerce/db';
import { sql } from 'drizzle-orm';

export interface HelperCost {
  /** Transactions per second through `db.transaction` alone. */
  bare: number;
  /** The same transactions through core's `transaction()`, each registering one after-commit effect. */
  helper: number;
  effectsRun: number;
}

const COUNTERS = 1000;

/**
 * What the after-commit mechanism (issue #18) costs on a hot path: the same small write
 * transaction, at the same concurrency, bare and through `transaction()` + `afterCommit`,
 * alternated so that drift in the machine falls on both.
 */
export async function measureTransactionHelper(databaseUrl: string, options: { connections: number; seconds: number }): Promise<HelperCost> {
  const handle = await createDb({ databaseUrl, poolMax: options.connections });
  try {
    const db = handle.db;
    await db.execute(sql`create table if not exists bench_counters (id int primary key, n bigint not null)`);
    await db.execute(sql`insert into bench_counters select g, 0 from generate_series(1, ${COUNTERS}) g on conflict do nothing`);
    let effectsRun = 0;
    const write = (tx: Pick<Database, 'execute'>) =>
      tx.execute(sql`update bench_counters set n = n + 1 where id = ${1 + Math.floor(Math.random() * COUNTERS)}`);
    const bare = () => db.transaction(async (tx) => void (await write(tx)));
    const helper = () =>
      transaction({ db }, async (tx) => {
        await write(tx);
        afterCommit(tx, { run: async () => void (effectsRun += 1) });
      });
    const totals = { bare: 0, helper: 0 };
    const half = (options.seconds * 1000) / 2;
    for (const [kind, run] of [['bare', bare], ['helper', helper], ['helper', helper], ['bare', bare]] as const) {
      totals[kind] += await countFor(run, options.connections, half);
    }
    return { bare: totals.bare / options.seconds, helper: totals.helper / options.seconds, effectsRun };
  } finally {
    await handle.db.execute(sql`drop table if exists bench_counters`).catch(() => {});
    await handle.close();
  }
}

async function countFor(run: () => Promise<unknown>, connections: number, ms: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < until) {
        await run();
        done += 1;
      }
    }),
  );
  return done;
}

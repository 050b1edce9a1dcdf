import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql, type AnyColumn, type SQL, type Subquery } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { migratePgliteDb, migratePostgresUrl } from './migrate';
import * as schema from './schema';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** What a callback of `db.transaction` receives; core functions accept either. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DbConfig {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string | undefined;
  /** Data directory for PGlite; defaults to ./.data/pglite. */
  pgliteDir?: string | undefined;
  poolMax?: number | undefined;
}

export interface DbHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Applies pending migrations (safe when several processes start together). */
  migrate(): Promise<void>;
  /** Fails when the database does not answer. */
  ping(): Promise<void>;
  /** This process's pooled connections by state, as Postgres sees them (absent on PGlite). */
  poolStats?(): Promise<PoolStats>;
  close(): Promise<void>;
}

export interface PoolStats {
  max: number;
  /** Open connections by pg_stat_activity state: `active`, `idle`, `idle in transaction`, … */
  connections: Record<string, number>;
}

export const DEFAULT_PGLITE_DIR = './.data/pglite';

export async function createDb(config: DbConfig): Promise<DbHandle> {
  if (config.databaseUrl) return createPostgres(config.databaseUrl, config.poolMax ?? 10);
  return createPglite(resolve(config.pgliteDir ?? DEFAULT_PGLITE_DIR));
}

function createPostgres(url: string, poolMax: number): DbHandle {
  // A name of this pool's own, so pg_stat_activity tells its connections from other processes'.
  const applicationName = `commerce ${randomBytes(4).toString('hex')}`;
  const client = postgres(url, {
    max: poolMax,
    // A database that is down or restarting fails each waiting query at once (a 503 the caller
    // may retry), instead of holding it: postgres.js retries a connection that fails with a
    // growing delay (up to 20 s) before trying the query. A connection is only tried for a
    // query, so a short fixed delay cannot spin; and one that does not answer fails in 5 s.
    connect_timeout: 5,
    backoff: () => 0.1,
    onnotice: () => {},
    connection: { application_name: applicationName },
  });
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    kind: 'postgres',
    migrate: () => migratePostgresUrl(url),
    ping: async () => {
      await client`select 1`;
    },
    poolStats: async () => {
      const rows = await client<{ state: string | null; n: number }[]>`
        select state, count(*)::int as n from pg_stat_activity where application_name = ${applicationName} group by state`;
      return { max: poolMax, connections: Object.fromEntries(rows.map((r) => [r.state ?? 'unknown', r.n])) };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

async function createPglite(dir: string): Promise<DbHandle> {
  mkdirSync(dir, { recursive: true });
  const releaseLock = lockDirectory(dir);
  try {
    // The migrations create pg_trgm (the people search indexes); PGlite must carry it.
    const client = await PGlite.create(dir, { extensions: { pg_trgm } });
    const pglite = drizzlePglite(client, { schema });
    const db = pglite as unknown as Database;
    return {
      db,
      kind: 'pglite',
      migrate: () => migratePgliteDb(pglite),
      ping: async () => {
        await db.execute(sql`select 1`);
      },
      close: async () => {
        await client.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * PGlite is a single-process database: two processes writing one directory corrupt it.
 * A lock file holding the owner's pid refuses the second one. The file appears atomically
 * with its content (written aside, then hard-linked into place), so a reader never sees a
 * half-made lock; a lock whose process is gone is a leftover from a crash and is taken over.
 */
const openHere = new Set<string>();

function lockDirectory(dir: string): () => void {
  const lockPath = join(dir, 'commerce.lock');
  const refuse = (owner: number) =>
    new Error(
      `The embedded database in ${dir} is already open in process ${owner}. ` +
        'PGlite allows one process per data directory: stop that process, or set DATABASE_URL to use Postgres.',
    );
  if (openHere.has(lockPath)) throw refuse(process.pid);
  const draft = `${lockPath}.${process.pid}.${Date.now()}`;
  writeFileSync(draft, String(process.pid));
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(draft, lockPath);
        openHere.add(lockPath);
        return () => {
          openHere.delete(lockPath);
          rmSync(lockPath, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(lockPath);
      if (owner === undefined) continue; // removed meanwhile: try again
      if (owner !== process.pid && isAlive(owner)) throw refuse(owner);
      // Stale: remove it only if it still names the dead owner (another process may have
      // taken it over since we read it).
      if (readOwner(lockPath) === owner) rmSync(lockPath, { force: true });
    }
  } finally {
    rmSync(draft, { force: true });
  }
  throw new Error(`Could not lock the embedded database directory ${dir}`);
}

function readOwner(lockPath: string): number | undefined {
  try {
    return Number(readFileSync(lockPath, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `alias.column`: drizzle leaves the columns of a one-table query unqualified, which a correlated subquery cannot be. */
export const qualified = (alias: string, column: AnyColumn) => sql`${sql.identifier(alias)}.${sql.identifier(column.name)}`;

/** The columns `shape` names, as a subquery selected with that shape has them, typed as the table's. */
export const columnsOf = <T extends Record<string, unknown>>(rows: Subquery, shape: T) =>
  Object.fromEntries(Object.keys(shape).map((key) => [key, (rows as unknown as Record<string, AnyColumn>)[key]])) as unknown as T;

/** Rows of a raw query: postgres.js answers an array, PGlite an object with `rows`. */
export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** Beside the sources (packages/db/migrations), or beside a production bundle that carries them (dist/migrations). */
const besideSources = fileURLToPath(new URL('../migrations', import.meta.url));
export const migrationsFolder = existsSync(besideSources) ? besideSources : fileURLToPath(new URL('./migrations', import.meta.url));

// Any constant works; it only has to be the same in every process of this app.
const MIGRATION_LOCK_ID = 727_001;

/** Applies pending migrations to a Postgres URL. An advisory lock serialises processes starting together. */
export async function migratePostgresUrl(databaseUrl: string): Promise<void> {
  const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** PGlite is single-process (see client.ts), so it needs no lock. */
export async function migratePgliteDb<TSchema extends Record<string, unknown>>(db: PgliteDatabase<TSchema>): Promise<void> {
  await migratePglite(db, { migrationsFolder });
}

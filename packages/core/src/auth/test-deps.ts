import { createDb, type DbHandle } from '@commerce/db';
import { createTestDatabase, type TestDatabase } from '@commerce/db/testing';
import { MemoryCache } from '../cache';
import { systemClock } from '../clock';
import { defaultSettings, type Deps } from '../deps';

/** Deps on a fresh migrated Postgres database and an in-process cache, for core tests. */
export async function createTestDeps(): Promise<{ deps: Deps; close(): Promise<void> }> {
  const database: TestDatabase = await createTestDatabase();
  const handle: DbHandle = await createDb({ databaseUrl: database.url, poolMax: 5 });
  const deps: Deps = { db: handle.db, cache: new MemoryCache(), clock: systemClock, settings: defaultSettings };
  return {
    deps,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}

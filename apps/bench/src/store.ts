import { deleteKeysWithPrefix } from '@commerce/core/testing';
import { seedCatalog, seedSyntheticProducts } from '@commerce/core';
import { createTestDatabase, testKeyPrefix, testRedisUrl, type TestDatabase } from '@commerce/db/testing';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildServer, createRuntime, loadConfig, type Runtime } from '@commerce/server';
import type { Listening } from './floors';

export const SYNTHETIC_PRODUCTS = 100_000;

interface StoreServer extends Listening {
  app: FastifyInstance;
  runtime: Runtime;
}

export interface Store {
  /** Catalog cache on (the default configuration). */
  cached: StoreServer;
  /** CATALOG_CACHE_SECONDS=0: every catalog read goes to the database. */
  uncached: StoreServer;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real server, in this process, on 127.0.0.1 and an ephemeral port. */
async function startServer(env: Record<string, string>): Promise<StoreServer> {
  const config = loadConfig(env);
  const runtime = await createRuntime(config);
  try {
    const app = await buildServer({ config, runtime });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      app,
      runtime,
      url,
      close: async () => {
        await app.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}


/**
 * A fresh Postgres database (cloned from the migrated template, dropped by close) seeded with
 * the sample catalog and 100 000 synthetic products, and two servers on it sharing one Redis
 * key space: one with the catalog cache, one without.
 */
export async function startStore(log: (line: string) => void): Promise<Store> {
  const database = await createTestDatabase();
  const started: StoreServer[] = [];
  try {
    const keyPrefix = testKeyPrefix();
    const env = {
      // Production settings, except that request logs (info) would measure the terminal.
      NODE_ENV: 'production',
      ADMIN_PASSWORD: 'bench-admin-password',
      PAYMENTS_OFFLINE: 'true',
      // The load comes from one address far faster than any client may: limits would measure 429s.
      RATE_LIMIT_REQUESTS_PER_IP: '0',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
    };
    const cached = await startServer(env);
    started.push(cached);
    const seedStart = performance.now();
    await seedCatalog(cached.runtime.deps.db);
    await seedSyntheticProducts(cached.runtime.deps.db, SYNTHETIC_PRODUCTS);
    log(`seeded ${SYNTHETIC_PRODUCTS} synthetic products in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    // Write the seeded pages out now, so Postgres does not flush them while scenarios run.
    try {
      await cached.runtime.deps.db.execute(sql`checkpoint`);
    } catch {
      log('CHECKPOINT not allowed for this database user; background writes may blur the first scenarios');
    }
    const uncached = await startServer({ ...env, CATALOG_CACHE_SECONDS: '0' });
    started.push(uncached);
    return {
      cached,
      uncached,
      database,
      close: async () => {
        log(`removed ${await deleteKeysWithPrefix(testRedisUrl, keyPrefix)} Redis keys under ${keyPrefix}`);
        for (const server of started) await server.close();
        await database.drop();
      },
    };
  } catch (error) {
    for (const server of started) await server.close().catch(() => {});
    await database.drop();
    throw error;
  }
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, products, productVariants, users, type DbHandle, type UserRole } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { createTestDatabase } from '@commerce/db/testing';
import { createRedisClient, MemoryCache } from './cache';
import { systemClock, type Clock } from './clock';
import { defaultSettings, type CoreSettings, type Deps } from './deps';
import { MemoryLiveBus } from './live/memory-bus';
import { LocalMediaStorage } from './media/local';
import { OfflinePaymentProvider } from './payments/offline';
import type { MediaStorage } from './media/storage';
import { paymentDeps } from './payments/order-payments';
import type { Viewer } from './viewer';
import type { PaymentProvider } from './payments/provider';

export interface TestDepsOptions {
  /** Merged over defaultSettings; rateLimits are merged too, so a test may give only the ones it changes. */
  settings?: Partial<Omit<CoreSettings, 'rateLimits'>> & { rateLimits?: Partial<CoreSettings['rateLimits']> };
  /** systemClock unless given (pass `{ now: () => now }` for a clock the test moves). */
  clock?: Clock;
  /** Connection pool size; 5 unless given. */
  poolMax?: number;
  /** The OfflinePaymentProvider unless given; a list configures several (the first is the default). */
  payments?: PaymentProvider | PaymentProvider[];
  /** A LocalMediaStorage in a fresh temporary folder (removed by close) unless given. */
  media?: MediaStorage;
}

export interface TestDeps {
  deps: Deps;
  /** The database handle behind deps.db, for seeding and raw queries. */
  handle: DbHandle;
  /** The folder of the default LocalMediaStorage. */
  mediaDir: string;
  /** Closes the pool and drops the database. */
  close(): Promise<void>;
}

/** Deps on a fresh migrated Postgres database and an in-process cache, for tests. */
export async function createTestDeps(options: TestDepsOptions = {}): Promise<TestDeps> {
  const { settings = {}, clock = systemClock, poolMax = 5, payments = new OfflinePaymentProvider() } = options;
  const mediaDir = await mkdtemp(path.join(tmpdir(), 'commerce-media-'));
  const database = await createTestDatabase();
  let handle: DbHandle;
  try {
    handle = await createDb({ databaseUrl: database.url, poolMax });
  } catch (error) {
    await database.drop();
    await rm(mediaDir, { recursive: true, force: true });
    throw error;
  }
  const deps: Deps = {
    db: handle.db,
    cache: new MemoryCache(),
    clock,
    settings: {
      ...defaultSettings,
      // Tests placing many orders for one customer are not about these caps; their own tests set them.
      pendingOrders: { maxOrders: 0, maxUnits: 0 },
      ...settings,
      rateLimits: { ...defaultSettings.rateLimits, ...settings.rateLimits },
    },
    ...paymentDeps(Array.isArray(payments) ? payments : [payments]),
    media: options.media ?? new LocalMediaStorage(mediaDir),
    live: new MemoryLiveBus(),
  };
  return {
    deps,
    handle,
    mediaDir,
    close: async () => {
      await handle.close();
      await database.drop();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `prefix` (a test's or a bench run's own key space); answers how many. */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('refusing to delete keys without a prefix');
  const redis = createRedisClient({ url: redisUrl });
  try {
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}*`, count: 1000 })) keys.push(...(batch as string[]));
    return keys.length ? await redis.del(...keys) : 0;
  } finally {
    redis.disconnect();
  }
}

export interface TestProductOptions {
  name?: string;
  priceCents?: number;
  stock?: number;
  isActive?: boolean;
  archivedAt?: Date | null;
  /** Several variants (one per entry) instead of the single default one; `Size` is their option. */
  variants?: { size: string; priceCents?: number; stock?: number }[];
}

/**
 * A product with its variant(s), written straight to the database (no API, no cache bump): for
 * tests that need something to sell. Keeps the product's stock and price in line with them.
 */
export async function insertTestProduct(
  db: Deps['db'],
  options: TestProductOptions = {},
): Promise<{ id: number; variantIds: number[] }> {
  const { name = 'Thing', priceCents = 100, stock = 10, isActive = true, archivedAt = null } = options;
  const variants: { size?: string; priceCents: number; stock: number }[] = options.variants?.map((v) => ({
    ...v,
    priceCents: v.priceCents ?? priceCents,
    stock: v.stock ?? stock,
  })) ?? [{ priceCents, stock }];
  const [product] = await db
    .insert(products)
    .values({
      slug: `test-${randomBytes(6).toString('hex')}`,
      name,
      priceCents: Math.min(...variants.map((v) => v.priceCents)),
      stock: variants.reduce((sum, v) => sum + v.stock, 0),
      isActive,
      archivedAt,
      options: options.variants ? [{ name: 'Size', values: options.variants.map((v) => v.size) }] : [],
    })
    .returning({ id: products.id });
  const rows = await db
    .insert(productVariants)
    .values(
      variants.map((v, position) => ({
        productId: product!.id,
        title: v.size ?? 'Default',
        optionValues: (v.size ? { Size: v.size } : {}) as Record<string, string>,
        priceCents: v.priceCents,
        stock: v.stock,
        position,
      })),
    )
    .returning({ id: productVariants.id });
  return { id: product!.id, variantIds: rows.map((r) => r.id) };
}

/** The viewer a session of `userId` resolves to, as `role`, with the user's profile as the database has it now. */
export async function expectedViewer(db: Deps['db'], userId: number, role: UserRole): Promise<Viewer> {
  const [user] = await db.select({ email: users.email, name: users.name, createdAt: users.createdAt }).from(users).where(eq(users.id, userId));
  if (!user) throw new Error(`no user ${userId}`);
  return { userId, role, profile: { email: user.email, name: user.name, createdAt: user.createdAt.toISOString() } };
}

export * from './media/test-images';

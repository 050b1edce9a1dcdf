import { categories, createDb, products, productVariants, queryRows, type DbHandle } from '@commerce/db';
import { createTestDatabase, type TestDatabase } from '@commerce/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slugify } from '../catalog/slugs';
import { seedCatalog, seedSyntheticProducts } from '.';

let database: TestDatabase;
let handle: DbHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = await createDb({ databaseUrl: database.url, poolMax: 2 });
}, 60_000);
afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

describe('slugify, the catalog rule for slugs', () => {
  it('drops accents, lowers case, joins words with one hyphen and keeps 80 characters', () => {
    expect(slugify('Crème Brûlée  Set')).toBe('creme-brulee-set');
    expect(slugify('  -- Salt, Fat, Acid, Heat! --')).toBe('salt-fat-acid-heat');
    expect(slugify('x'.repeat(100))).toHaveLength(80);
    expect(slugify('日本')).toBe('');
  });
});

describe('the sample store', () => {
  it('loads the catalog once, with slugs made by the catalog rule', async () => {
    expect(await seedCatalog(handle.db)).toBeGreaterThanOrEqual(50);
    expect(await seedCatalog(handle.db)).toBe(0); // never doubles the catalog
    const rows = await handle.db.select({ name: products.name, slug: products.slug }).from(products);
    expect(rows.length).toBeGreaterThanOrEqual(50);
    for (const row of rows) expect(row.slug).toBe(slugify(row.name));
    expect(await handle.db.select({ id: categories.id }).from(categories)).not.toHaveLength(0);
    const found = await queryRows<{ name: string }>(
      handle.db,
      sql`select name from products where search @@ websearch_to_tsquery('english', 'skillets') limit 1`,
    );
    expect(found[0]?.name).toMatch(/Skillet/);
    const [tee] = await handle.db.select({ id: products.id }).from(products).where(eq(products.slug, 'essential-cotton-t-shirt'));
    const variants = await handle.db.select({ title: productVariants.title }).from(productVariants).where(eq(productVariants.productId, tee!.id));
    expect(variants).toHaveLength(12);
    // The sample orders' timelines say who would have acted: the payment provider, the customer, staff.
    const actors = await queryRows<{ to_status: string; kinds: string[] }>(
      handle.db,
      sql`select to_status, array_agg(distinct actor_kind order by actor_kind) as kinds from order_events where from_status is not null group by to_status`,
    );
    expect(Object.fromEntries(actors.map((row) => [row.to_status, row.kinds]))).toEqual({
      paid: ['system'],
      cancelled: ['customer'],
      shipped: ['staff'],
      delivered: ['staff'],
      refunded: ['staff'],
    });
  });

  it('adds a synthetic catalog in batches', async () => {
    await seedSyntheticProducts(handle.db, 2_500);
    const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(products);
    expect(row!.n).toBeGreaterThanOrEqual(2_550);
  });
});

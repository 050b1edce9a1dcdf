import { auditLog, categories, outbox, products, productVariants } from '@commerce/db';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors';
import type { LiveEvent } from '../live';
import { createTestDeps, insertTestProduct, type TestDeps } from '../testing';
import { bulkUpdateProducts } from './bulk';
import { bulkProductsInput, MAX_BULK_PRODUCTS } from './schemas';
import { CATALOG_VERSION_KEY } from './version';

let t: TestDeps;
beforeAll(async () => {
  t = await createTestDeps();
});
afterAll(() => t.close());

const staff = { kind: 'staff' as const, userId: null, ip: '203.0.113.9' };
const run = (input: unknown) => bulkUpdateProducts(t.deps, staff, bulkProductsInput.parse(input));
const rowsOf = (ids: number[]) =>
  t.deps.db
    .select({ id: products.id, isActive: products.isActive, archivedAt: products.archivedAt, categoryId: products.categoryId, priceCents: products.priceCents })
    .from(products)
    .where(inArray(products.id, ids))
    .orderBy(products.id);
const pricesOf = async (productId: number) =>
  (await t.deps.db.select({ p: productVariants.priceCents }).from(productVariants).where(eq(productVariants.productId, productId)).orderBy(productVariants.id)).map((r) => r.p);

async function namedProducts(name: string, count: number, options: Parameters<typeof insertTestProduct>[1] = {}) {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) ids.push((await insertTestProduct(t.deps.db, { ...options, name: `${name} ${i}` })).id);
  // insertTestProduct writes the row directly; the search vector follows the name.
  return ids;
}

describe('bulk actions on products', () => {
  it('deactivates every product matching a filter in one go, counts only those it changed, tells storefronts and webhooks, drops the caches', async () => {
    const ids = await namedProducts('Bulkfilter lamp', 3);
    const other = await insertTestProduct(t.deps.db, { name: 'Unrelated chair' });
    await t.deps.db.update(products).set({ isActive: false }).where(eq(products.id, ids[0]!));
    const published: LiveEvent[] = [];
    const spy = vi.spyOn(t.deps.live, 'publish').mockImplementation(async (event) => void published.push(event));
    await t.deps.cache.set(CATALOG_VERSION_KEY, '5', 60);
    const before = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.type, 'product.updated'));

    expect(await run({ target: { kind: 'filter', filter: { q: 'Bulkfilter' } }, action: { type: 'deactivate' } })).toEqual({ changed: 2 });

    expect((await rowsOf(ids)).map((r) => r.isActive)).toEqual([false, false, false]);
    expect((await rowsOf([other.id]))[0]!.isActive).toBe(true);
    const audited = await t.deps.db.select().from(auditLog).where(inArray(auditLog.entityId, ids.map(String)));
    expect(audited.map((e) => [e.entityType, e.entityId, e.changes])).toEqual([
      ['product', String(ids[1]), { isActive: { before: true, after: false } }],
      ['product', String(ids[2]), { isActive: { before: true, after: false } }],
    ]);
    expect(published.map((e) => (e.type === 'stock' ? [e.productId, e.available] : null))).toEqual([
      [ids[1], false],
      [ids[2], false],
    ]);
    const after = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(outbox).where(eq(outbox.type, 'product.updated'));
    expect(after[0]!.n - before[0]!.n).toBe(2);
    expect(await t.deps.cache.get(CATALOG_VERSION_KEY)).not.toBe('5');
    spy.mockRestore();
  });

  it('activates, archives and recategorises selected products; an unknown category is a 400 naming categoryId and changes nothing', async () => {
    const ids = await namedProducts('Bulkselect vase', 2, { isActive: false });
    expect(await run({ target: { kind: 'ids', ids }, action: { type: 'activate' } })).toEqual({ changed: 2 });
    const [category] = await t.deps.db.insert(categories).values({ name: 'Bulk vases', slug: `bulk-vases-${Date.now()}` }).returning({ id: categories.id });
    expect(await run({ target: { kind: 'ids', ids }, action: { type: 'setCategory', categoryId: category!.id } })).toEqual({ changed: 2 });
    expect(await run({ target: { kind: 'ids', ids }, action: { type: 'setCategory', categoryId: category!.id } })).toEqual({ changed: 0 });
    const refused = await run({ target: { kind: 'ids', ids }, action: { type: 'setCategory', categoryId: 999_999 } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'categoryId' } });
    expect((await rowsOf(ids)).map((r) => [r.isActive, r.categoryId])).toEqual([
      [true, category!.id],
      [true, category!.id],
    ]);
    expect(await run({ target: { kind: 'ids', ids }, action: { type: 'archive' } })).toEqual({ changed: 2 });
    expect((await rowsOf(ids)).every((r) => r.archivedAt !== null)).toBe(true);
    // Archived products are no bulk target any more.
    expect(await run({ target: { kind: 'ids', ids }, action: { type: 'activate' } })).toEqual({ changed: 0 });
  });

  it('changes every live variant price by a percentage, rounded half away from zero, and keeps the product price the lowest', async () => {
    const { id } = await insertTestProduct(t.deps.db, { name: 'Bulkprice shirt', variants: [{ size: 'S', priceCents: 999 }, { size: 'M', priceCents: 5 }] });
    expect(await run({ target: { kind: 'ids', ids: [id] }, action: { type: 'changePrice', percent: 15 } })).toEqual({ changed: 1 });
    // 999 × 1.15 = 1148.85 → 1149; 5 × 1.15 = 5.75 → 6.
    expect(await pricesOf(id)).toEqual([1149, 6]);
    expect((await rowsOf([id]))[0]!.priceCents).toBe(6);
    await run({ target: { kind: 'ids', ids: [id] }, action: { type: 'changePrice', percent: -50 } });
    // 1149 × 0.5 = 574.5 → 575; 6 × 0.5 = 3.
    expect(await pricesOf(id)).toEqual([575, 3]);
    expect((await rowsOf([id]))[0]!.priceCents).toBe(3);
    // Each variant's change is in the audit trail, written in the same transaction.
    const trail = await t.deps.db.select().from(auditLog).where(eq(auditLog.entityType, 'variant'));
    expect(trail.filter((e) => e.changes.priceCents?.after === 575)).toEqual([
      expect.objectContaining({ action: 'update', actorKind: 'staff', ip: '203.0.113.9', changes: { priceCents: { before: 1149, after: 575 } } }),
    ]);
  });

  it('refuses a price past the limit, changing nothing', async () => {
    const { id } = await insertTestProduct(t.deps.db, { name: 'Bulkprice yacht', priceCents: 50_000_000 });
    await expect(run({ target: { kind: 'ids', ids: [id] }, action: { type: 'changePrice', percent: 200 } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'percent' },
    });
    expect(await pricesOf(id)).toEqual([50_000_000]);
  });

  it('validates the input: percent bounds, no 0 %, at most 1000 ids, a known action', () => {
    for (const bad of [
      { target: { kind: 'ids', ids: [1] }, action: { type: 'changePrice', percent: -91 } },
      { target: { kind: 'ids', ids: [1] }, action: { type: 'changePrice', percent: 1001 } },
      { target: { kind: 'ids', ids: [1] }, action: { type: 'changePrice', percent: 0 } },
      { target: { kind: 'ids', ids: [1] }, action: { type: 'changePrice', percent: 1.5 } },
      { target: { kind: 'ids', ids: [] }, action: { type: 'activate' } },
      { target: { kind: 'ids', ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, action: { type: 'activate' } },
      { target: { kind: 'filter', filter: { minPriceCents: 5, maxPriceCents: 1 } }, action: { type: 'activate' } },
      { target: { kind: 'ids', ids: [1] }, action: { type: 'explode' } },
    ]) {
      expect(bulkProductsInput.safeParse(bad).success, JSON.stringify(bad).slice(0, 120)).toBe(false);
    }
  });

  it(`refuses more than ${MAX_BULK_PRODUCTS} matching products before changing any`, async () => {
    await t.deps.db.execute(sql`
      insert into products (slug, name, price_cents, stock, is_active)
      select 'bulk-many-' || g, 'Bulkmany item', 100, 0, true from generate_series(1, ${MAX_BULK_PRODUCTS + 1}) g`);
    await expect(run({ target: { kind: 'filter', filter: { q: 'Bulkmany' } }, action: { type: 'deactivate' } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'target' },
    });
    const [still] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(products).where(sql`${products.name} = 'Bulkmany item' and not ${products.isActive}`);
    expect(still!.n).toBe(0);
  }, 120_000);
});

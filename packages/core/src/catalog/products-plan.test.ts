import { categories, queryRows, type DbHandle } from '@commerce/db';
import { seedCatalog, seedSyntheticProducts } from '../seed';
import { eq, sql, type SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { createTestDeps } from '../testing';
import type { Viewer } from '../viewer';
import { lowStockQueries } from './inventory';
import { listProducts, productListQueries, skuLookupQuery } from './products';
import { listProductsInput, productSorts } from './schemas';

// Every query shape of the product list, EXPLAINed exactly as listProducts sends it, on a
// 100 000-product catalog: none may read the products table sequentially.

const PRODUCTS = 100_000;
let handle: DbHandle;
let deps: Deps;
let close: (() => Promise<void>) | undefined;
let parentCategoryId: number;

beforeAll(async () => {
  ({ deps, handle, close } = await createTestDeps({ poolMax: 2 }));
  await seedCatalog(handle.db);
  // Ends with VACUUM ANALYZE: statistics, and the visibility map index-only counts need.
  await seedSyntheticProducts(handle.db, PRODUCTS);
  const [electronics] = await handle.db.select().from(categories).where(eq(categories.slug, 'electronics'));
  parentCategoryId = electronics!.id;
}, 300_000);

afterAll(() => close?.());

const dialect = new PgDialect();

async function explain(query: SQLWrapper & { toSQL(): { sql: string } }, analyze = false): Promise<string> {
  const prefix = analyze ? 'explain (analyze)' : 'explain';
  const statement = sql`${sql.raw(prefix)} ${query.getSQL()}`;
  // The statement is the list query itself, byte for byte, behind EXPLAIN.
  expect(dialect.sqlToQuery(statement).sql).toBe(`${prefix} ${query.toSQL().sql}`);
  const rows = await queryRows<{ 'QUERY PLAN': string }>(handle.db, statement);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

const staff: Viewer = { userId: 1, role: 'staff' };
const customer: Viewer = { userId: 2, role: 'customer' };
const audiences: [string, Viewer, Record<string, unknown>][] = [
  ['anonymous', null, {}],
  ['customer asking for inactive (ignored)', customer, { active: false }],
  ['staff', staff, {}],
  ['staff, active=true', staff, { active: true }],
  ['staff, active=false', staff, { active: false }],
];
const filters = (): [string, Record<string, unknown>][] => [
  ['no filter', {}],
  ['category with subcategories', { categoryId: parentCategoryId }],
  ['price range', { minPriceCents: 1_000, maxPriceCents: 50_000 }],
  ['narrow price range', { minPriceCents: 1_000, maxPriceCents: 1_100 }],
  ['in stock', { inStock: true }],
  ['out of stock', { inStock: false }],
  ['search', { q: 'walnut lamp' }],
  ['search by a variant sku', { q: 'syn-4243-1' }],
  ['everything at once', { categoryId: parentCategoryId, minPriceCents: 1_000, maxPriceCents: 50_000, inStock: true, q: 'steel' }],
  ['page 50 of 50', { page: 50, limit: 50 }],
];

describe(`product list plans at ${PRODUCTS} products`, () => {
  it('uses an index for every sort × audience × filter, page and count', async () => {
    const seqScans: string[] = [];
    const seen = new Set<string>();
    let shapes = 0;
    for (const sort of productSorts) {
      for (const [audience, viewer, flags] of audiences) {
        for (const [filter, params] of filters()) {
          const input = listProductsInput.parse({ sort, ...flags, ...params });
          const queries = await productListQueries(deps, viewer, input);
          for (const [kind, query] of Object.entries(queries)) {
            const text = query.toSQL().sql;
            if (seen.has(text)) continue; // counts do not depend on the sort
            seen.add(text);
            shapes += 1;
            const plan = await explain(query);
            if (/Seq Scan on product/.test(plan)) seqScans.push(`${kind}: sort=${sort}, ${audience}, ${filter}\n${plan}`);
          }
        }
      }
    }
    expect(shapes).toBeGreaterThan(100);
    expect(seqScans, seqScans.join('\n\n')).toEqual([]);
  });

  it('finds a sku in any case through the sku index, and the product it belongs to', async () => {
    const plan = await explain(skuLookupQuery(deps, 'syn-4243-1'));
    expect(plan).toMatch(/product_variants_sku_unique/);
    const page = await listProducts(deps, null, listProductsInput.parse({ q: 'syn-4243-1' }));
    expect(page.items.map((p) => p.slug)).toEqual(['synthetic-4243']);
    expect(page.items[0]!.variants.map((v) => v.sku)).toContain('SYN-4243-1');
  });

  it('counts the public catalog with an index-only scan', async () => {
    const { count } = await productListQueries(deps, null, listProductsInput.parse({}));
    // ANALYZE runs it: only then does Postgres report how many rows it had to read from the heap.
    const plan = await explain(count, true);
    expect(plan).toMatch(/Index Only Scan using products_public_\w+ on products/);
    expect(plan).toMatch(/Heap Fetches: 0\b/);
  });

  it('lists low stock through the stock index', async () => {
    const queries = await lowStockQueries(deps, { page: 1, limit: 10 });
    for (const query of [queries.page, queries.count]) {
      const plan = await explain(query);
      expect(plan).not.toMatch(/Seq Scan on product/);
      expect(plan).toMatch(/product_variants_low_stock_idx/);
    }
  });
});

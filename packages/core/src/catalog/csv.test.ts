import { auditLog, products, productVariants } from '@commerce/db';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, insertTestProduct, type TestDeps } from '../testing';
import { importProductsCsv, productCsvColumns, productCsvRows } from './csv';
import { productFilterInput } from './schemas';

let t: TestDeps;
const staff = { kind: 'staff' as const, userId: null, ip: null };
let ids: number[];
beforeAll(async () => {
  t = await createTestDeps();
  ids = [];
  for (const [i, name] of ['Csvtest kettle', 'Csvtest "teapot", large'].entries()) {
    const p = await insertTestProduct(t.deps.db, { name, priceCents: 1000 + i, stock: 3 + i });
    await t.deps.db.update(productVariants).set({ sku: `CSV-${i}` }).where(eq(productVariants.productId, p.id));
    ids.push(p.id);
  }
  const shirt = await insertTestProduct(t.deps.db, { name: 'Csvtest shirt', variants: [{ size: 'S', priceCents: 2000 }, { size: 'M', priceCents: 2100 }] });
  for (const [i, variantId] of shirt.variantIds.entries()) await t.deps.db.update(productVariants).set({ sku: `CSV-SHIRT-${i}` }).where(eq(productVariants.id, variantId));
  ids.push(shirt.id);
});
afterAll(() => t.close());

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
const toCsv = (rows: string[][]) => [productCsvColumns.join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n';

async function exported(): Promise<string[][]> {
  const rows: string[][] = [];
  for await (const batch of productCsvRows(t.deps, productFilterInput.parse({ q: 'Csvtest' }))) rows.push(...batch);
  return rows;
}

const state = async () =>
  t.deps.db
    .select({ id: productVariants.id, price: productVariants.priceCents, stock: productVariants.stock, updatedAt: productVariants.updatedAt, name: products.name, productUpdated: products.updatedAt })
    .from(productVariants)
    .innerJoin(products, eq(products.id, productVariants.productId))
    .where(inArray(products.id, ids))
    .orderBy(productVariants.id);

describe('products CSV', () => {
  it('exports one row per live variant, and importing that file again changes nothing', async () => {
    const rows = await exported();
    expect(rows).toHaveLength(4);
    expect(rows[1]).toEqual(['CSV-1', 'Csvtest "teapot", large', 'true', '', 'Default', '1001', '4', 'true', String(ids[1]), expect.any(String), '']);
    expect(rows[2]![10]).toBe('Size=S');
    const before = await state();
    const csv = toCsv(rows);
    const dry = await importProductsCsv(t.deps, staff, { csv, apply: false });
    expect(dry).toEqual({ rows: 4, create: [], update: [], unchanged: 4, errors: [], applied: false });
    const applied = await importProductsCsv(t.deps, staff, { csv, apply: true });
    expect(applied).toMatchObject({ unchanged: 4, create: [], update: [], applied: true });
    expect(await state()).toEqual(before);
  });

  it('dry-runs creates, updates and refused rows (by line and column) without changing anything; a file with errors is never applied', async () => {
    const rows = await exported();
    rows[0]![5] = '1250';
    rows[0]![1] = 'Csvtest kettle, steel';
    const lines = toCsv(rows).trimEnd().split('\n');
    lines.push('CSV-NEW-1,Csvtest mug,true,,,800,12,true,,,');
    lines.push('CSV-BAD,Csvtest bad,maybe,,,12.50,-1,true,,,');
    lines.push('CSV-ODD,"Csvtest unclosed,true,,,1,1,true,,,');
    const before = await state();
    const dry = await importProductsCsv(t.deps, staff, { csv: lines.join('\n'), apply: true });
    expect(dry.applied).toBe(false);
    expect(dry.update).toEqual([{ line: 2, sku: 'CSV-0', fields: ['price_cents', 'product_name'] }]);
    expect(dry.create).toEqual([{ line: 6, sku: 'CSV-NEW-1', name: 'Csvtest mug' }]);
    expect(dry.errors).toEqual(
      expect.arrayContaining([
        { line: 7, column: 'product_active', message: 'true or false' },
        { line: 7, column: 'price_cents', message: expect.any(String) },
        { line: 7, column: 'stock', message: expect.any(String) },
        { line: 8, column: null, message: expect.stringContaining('Quote Not Closed') },
      ]),
    );
    expect(await state()).toEqual(before);

    const good = await importProductsCsv(t.deps, staff, { csv: lines.slice(0, 6).join('\n'), apply: true });
    expect(good).toMatchObject({ applied: true, errors: [] });
    const after = await state();
    expect(after[0]).toMatchObject({ price: 1250, name: 'Csvtest kettle, steel' });
    const [mug] = await t.deps.db.select().from(productVariants).where(eq(productVariants.sku, 'CSV-NEW-1'));
    expect(mug).toMatchObject({ priceCents: 800, stock: 12, title: 'Default' });
    const [mugProduct] = await t.deps.db.select({ price: products.priceCents, stock: products.stock }).from(products).where(eq(products.id, mug!.productId));
    expect(mugProduct).toEqual({ price: 800, stock: 12 });
    const trail = await t.deps.db.select().from(auditLog).where(inArray(auditLog.entityId, [String(ids[0]), String(mug!.productId), String(after[0]!.id)]));
    expect(trail.map((e) => [e.entityType, e.action, Object.keys(e.changes).sort()])).toEqual(
      expect.arrayContaining([
        ['variant', 'update', ['priceCents']],
        ['product', 'update', ['name']],
        ['product', 'create', ['name', 'priceCents', 'sku', 'stock']],
      ]),
    );
  });

  it('refuses unknown and missing columns, an unknown category, a repeated sku, and rows of one product that disagree', async () => {
    let plan = await importProductsCsv(t.deps, staff, { csv: 'sku,product_name,colour\nA,B,red\n', apply: false });
    expect(plan.errors).toEqual(
      expect.arrayContaining([
        { line: 1, column: 'colour', message: expect.stringContaining('unknown column') },
        { line: 1, column: 'price_cents', message: 'required column is missing' },
      ]),
    );
    plan = await importProductsCsv(t.deps, staff, {
      csv: 'sku,product_name,price_cents,stock,category_id\nCSV-X,X,1,1,999999\nCSV-Y,Y,1,1,\ncsv-y,Y,1,1,\nCSV-SHIRT-0,Csvtest shirt,2000,10,\nCSV-SHIRT-1,Another name,2100,10,\n',
      apply: false,
    });
    expect(plan.errors).toEqual([
      { line: 2, column: 'category_id', message: 'no category has id 999999' },
      { line: 4, column: 'sku', message: 'the same sku as line 3' },
      { line: 6, column: 'product_name', message: 'line 5 gives this product another value' },
    ]);
  });
});

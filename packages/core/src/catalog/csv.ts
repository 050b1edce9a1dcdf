import { randomBytes } from 'node:crypto';
import { categories, products, productVariants, type Transaction } from '@commerce/db';
import { parse } from 'csv-parse/sync';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { publishStock } from '../live';
import { transaction } from '../transaction';
import { emitUpdated } from './bulk';
import { asStaff, listConditions } from './products';
import { MAX_IMPORT_ROWS, MAX_PRICE_CENTS, MAX_STOCK, type ImportPlan, type ImportProblem, type ProductFilter } from './schemas';
import { slugify } from './slugs';
import { syncProduct } from './variants';
import { catalogChanged } from './version';

/**
 * The products CSV, one row per live variant: what the export writes and the import reads back.
 * product_id, variant_id and option_values are for people: rows match variants by sku, and
 * options are edited in the admin.
 */
export const productCsvColumns = [
  'sku',
  'product_name',
  'product_active',
  'category_id',
  'variant_title',
  'price_cents',
  'stock',
  'variant_active',
  'product_id',
  'variant_id',
  'option_values',
] as const;
type ProductCsvColumn = (typeof productCsvColumns)[number];
const required: readonly ProductCsvColumn[] = ['sku', 'product_name', 'price_cents', 'stock'];

const EXPORT_BATCH = 1000;

/**
 * The export's rows for a staff product filter, read in keyset batches of 1000 variants (by
 * variant id), so 100 000 rows never sit in memory at once and no transaction stays open.
 */
export async function* productCsvRows(deps: Deps, filter: ProductFilter): AsyncGenerator<string[][]> {
  const conditions = await listConditions(deps, asStaff, filter);
  let after = 0;
  for (;;) {
    const rows = await deps.db
      .select({
        variantId: productVariants.id,
        productId: products.id,
        sku: productVariants.sku,
        name: products.name,
        productActive: products.isActive,
        categoryId: products.categoryId,
        title: productVariants.title,
        priceCents: productVariants.priceCents,
        stock: productVariants.stock,
        variantActive: productVariants.isActive,
        optionValues: productVariants.optionValues,
      })
      .from(productVariants)
      .innerJoin(products, eq(products.id, productVariants.productId))
      .where(and(...conditions, gt(productVariants.id, after), sql`${productVariants.archivedAt} is null`))
      .orderBy(asc(productVariants.id))
      .limit(EXPORT_BATCH);
    if (rows.length === 0) return;
    yield rows.map((r) => [
      r.sku ?? '',
      r.name,
      String(r.productActive),
      r.categoryId === null ? '' : String(r.categoryId),
      r.title,
      String(r.priceCents),
      String(r.stock),
      String(r.variantActive),
      String(r.productId),
      String(r.variantId),
      Object.entries(r.optionValues)
        .map(([name, value]) => `${name}=${value}`)
        .join('; '),
    ]);
    after = rows[rows.length - 1]!.variantId;
    if (rows.length < EXPORT_BATCH) return;
  }
}

interface ImportRow {
  line: number;
  sku: string;
  name: string;
  productActive?: boolean;
  categoryId?: number | null;
  title?: string;
  priceCents: number;
  stock: number;
  variantActive?: boolean;
}

const cellBoolean = (value: string) => (/^(true|1|yes)$/i.test(value) ? true : /^(false|0|no)$/i.test(value) ? false : undefined);
const cellInt = (value: string, max: number) => (/^\d{1,10}$/.test(value) && Number(value) <= max ? Number(value) : undefined);

/** Reads the file into rows, each problem kept with its line (1 is the header) and column. */
function readRows(csv: string): { rows: ImportRow[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const records: { record: Record<string, string>; info: { lines: number } }[] = [];
  let header: string[] = [];
  try {
    const parsed = parse(csv, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim().toLowerCase())),
      info: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ line: Number(error.lines), column: null, message: error.message });
        return undefined;
      },
      max_record_size: 100_000,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
    records.push(...parsed);
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    return { rows: [], problems: [{ line: lines ?? 1, column: null, message: error instanceof Error ? error.message : 'unreadable CSV' }] };
  }
  for (const name of header) {
    if (!(productCsvColumns as readonly string[]).includes(name)) problems.push({ line: 1, column: name, message: `unknown column (expected: ${productCsvColumns.join(', ')})` });
  }
  for (const name of required) if (!header.includes(name)) problems.push({ line: 1, column: name, message: 'required column is missing' });
  if (problems.some((p) => p.line === 1)) return { rows: [], problems };
  if (records.length > MAX_IMPORT_ROWS) {
    return { rows: [], problems: [{ line: 1, column: null, message: `at most ${MAX_IMPORT_ROWS} rows per file: split it` }] };
  }

  const rows: ImportRow[] = [];
  const has = (column: ProductCsvColumn) => header.includes(column);
  for (const { record, info } of records) {
    const line = info.lines;
    const before = problems.length;
    const cell = (column: ProductCsvColumn) => (record[column] ?? '').trim();
    const refuse = (column: ProductCsvColumn, message: string) => problems.push({ line, column, message });
    const sku = cell('sku');
    if (!sku || sku.length > 64) refuse('sku', 'required, 1 to 64 characters (rows match variants by sku)');
    const name = cell('product_name');
    if (!name || name.length > 200) refuse('product_name', 'required, 1 to 200 characters');
    const priceCents = cellInt(cell('price_cents'), MAX_PRICE_CENTS);
    if (priceCents === undefined) refuse('price_cents', `a whole number of cents from 0 to ${MAX_PRICE_CENTS}`);
    const stock = cellInt(cell('stock'), MAX_STOCK);
    if (stock === undefined) refuse('stock', `a whole number from 0 to ${MAX_STOCK}`);
    const row: ImportRow = { line, sku, name, priceCents: priceCents ?? 0, stock: stock ?? 0 };
    for (const [column, key] of [
      ['product_active', 'productActive'],
      ['variant_active', 'variantActive'],
    ] as const) {
      if (!has(column)) continue;
      const value = cellBoolean(cell(column));
      if (value === undefined) refuse(column, 'true or false');
      else row[key] = value;
    }
    if (has('category_id')) {
      const value = cell('category_id');
      const id = value === '' ? null : cellInt(value, 2_147_483_647);
      if (id === undefined || id === 0) refuse('category_id', 'a category id, or empty for none');
      else row.categoryId = id;
    }
    if (has('variant_title')) {
      const title = cell('variant_title');
      if (title.length > 200) refuse('variant_title', 'at most 200 characters');
      else if (title) row.title = title;
    }
    if (problems.length === before) rows.push(row);
  }
  return { rows, problems };
}

type ExistingVariant = {
  id: number;
  productId: number;
  sku: string | null;
  title: string;
  priceCents: number;
  stock: number;
  isActive: boolean;
  productName: string;
  productActive: boolean;
  categoryId: number | null;
};

/** The changes a row makes to its variant and product, by field, empty when none. */
function changesOf(row: ImportRow, v: ExistingVariant) {
  const variant: Partial<Pick<ExistingVariant, 'title' | 'priceCents' | 'stock' | 'isActive'>> = {};
  if (row.priceCents !== v.priceCents) variant.priceCents = row.priceCents;
  if (row.stock !== v.stock) variant.stock = row.stock;
  if (row.variantActive !== undefined && row.variantActive !== v.isActive) variant.isActive = row.variantActive;
  if (row.title !== undefined && row.title !== v.title) variant.title = row.title;
  const product: { name?: string; isActive?: boolean; categoryId?: number | null } = {};
  if (row.name !== v.productName) product.name = row.name;
  if (row.productActive !== undefined && row.productActive !== v.productActive) product.isActive = row.productActive;
  if (row.categoryId !== undefined && row.categoryId !== v.categoryId) product.categoryId = row.categoryId;
  return { variant, product };
}

const fieldNames: Record<string, string> = {
  priceCents: 'price_cents',
  stock: 'stock',
  isActive: 'variant_active',
  title: 'variant_title',
  name: 'product_name',
  categoryId: 'category_id',
};

/**
 * Plans an import inside `tx` (the variants it matches locked), and with `apply` carries it
 * out there: rows whose sku matches a live variant update it and its product, other rows
 * create a single-variant product. A file with any refused row changes nothing.
 */
async function planAndApply(deps: Deps, tx: Transaction, { actor, csv, apply }: { actor: Actor; csv: string; apply: boolean }): Promise<ImportPlan> {
  const { rows, problems } = readRows(csv);
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = row.sku.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) problems.push({ line: row.line, column: 'sku', message: `the same sku as line ${first}` });
    else seen.set(key, row.line);
  }
  const skus = [...seen.keys()];
  const existing = new Map<string, ExistingVariant>();
  for (let i = 0; i < skus.length; i += 5000) {
    const found = await tx
      .select({
        id: productVariants.id,
        productId: productVariants.productId,
        sku: productVariants.sku,
        title: productVariants.title,
        priceCents: productVariants.priceCents,
        stock: productVariants.stock,
        isActive: productVariants.isActive,
        productName: products.name,
        productActive: products.isActive,
        categoryId: products.categoryId,
      })
      .from(productVariants)
      .innerJoin(products, eq(products.id, productVariants.productId))
      .where(and(inArray(sql`lower(${productVariants.sku})`, skus.slice(i, i + 5000)), sql`${productVariants.archivedAt} is null`))
      .for('update', { of: productVariants });
    for (const v of found) existing.set(v.sku!.toLowerCase(), v);
  }
  const categoryIds = [...new Set(rows.map((r) => r.categoryId).filter((id): id is number => typeof id === 'number'))];
  const known = new Set(
    categoryIds.length ? (await tx.select({ id: categories.id }).from(categories).where(inArray(categories.id, categoryIds))).map((c) => c.id) : [],
  );

  const plan: ImportPlan = { rows: rows.length, create: [], update: [], unchanged: 0, errors: [], applied: false };
  // Rows of one product must agree on its fields: the first row to set one decides.
  const productFields = new Map<number, { line: number; fields: Record<string, unknown> }>();
  const work: { row: ImportRow; variant?: ExistingVariant; changes?: ReturnType<typeof changesOf> }[] = [];
  for (const row of rows) {
    if (seen.get(row.sku.toLowerCase()) !== row.line) continue;
    if (typeof row.categoryId === 'number' && !known.has(row.categoryId)) {
      problems.push({ line: row.line, column: 'category_id', message: `no category has id ${row.categoryId}` });
      continue;
    }
    const variant = existing.get(row.sku.toLowerCase());
    if (!variant) {
      plan.create.push({ line: row.line, sku: row.sku, name: row.name });
      work.push({ row });
      continue;
    }
    const fields = { name: row.name, ...(row.productActive !== undefined && { isActive: row.productActive }), ...(row.categoryId !== undefined && { categoryId: row.categoryId }) };
    const earlier = productFields.get(variant.productId);
    const clash = earlier && Object.entries(fields).find(([key, value]) => key in earlier.fields && earlier.fields[key] !== value);
    if (clash) {
      problems.push({ line: row.line, column: fieldNames[clash[0]] ?? clash[0], message: `line ${earlier.line} gives this product another value` });
      continue;
    }
    productFields.set(variant.productId, { line: earlier?.line ?? row.line, fields: { ...fields, ...earlier?.fields } });
    const changes = changesOf(row, variant);
    const changed = [...Object.keys(changes.variant), ...Object.keys(changes.product)].map((key) => fieldNames[key] ?? key);
    if (changed.length === 0) plan.unchanged += 1;
    else {
      plan.update.push({ line: row.line, sku: row.sku, fields: [...new Set(changed)] });
      work.push({ row, variant, changes });
    }
  }
  plan.errors = problems.sort((a, b) => a.line - b.line);
  if (!apply || plan.errors.length > 0) return plan;

  const touched = new Set<number>();
  const slugOf = (row: ImportRow) => slugify(`${row.name}-${row.sku}`) || `product-${row.line}`;
  const wanted = work.filter((w) => !w.variant).map((w) => slugOf(w.row));
  const taken = new Set(wanted.length ? (await tx.select({ slug: products.slug }).from(products).where(inArray(products.slug, wanted))).map((p) => p.slug) : []);
  for (const { row, variant, changes } of work) {
    if (variant && changes) {
      if (Object.keys(changes.variant).length) {
        await tx.update(productVariants).set({ ...changes.variant, updatedAt: deps.clock.now() }).where(eq(productVariants.id, variant.id));
        const before = Object.fromEntries(Object.keys(changes.variant).map((key) => [key, variant[key as keyof ExistingVariant]]));
        await recordChange(deps, tx, { actor, entity: 'variant', id: variant.id, action: 'update', before, after: changes.variant });
        if (changes.variant.stock !== undefined || changes.variant.isActive !== undefined) {
          await publishStock(deps, tx, { productId: variant.productId, variantId: variant.id, stock: row.stock, live: changes.variant.isActive ?? variant.isActive });
        }
      }
      if (Object.keys(changes.product).length) {
        await tx.update(products).set({ ...changes.product, updatedAt: deps.clock.now() }).where(eq(products.id, variant.productId));
        const before = { name: variant.productName, isActive: variant.productActive, categoryId: variant.categoryId };
        const picked = Object.fromEntries(Object.keys(changes.product).map((key) => [key, before[key as keyof typeof before]]));
        await recordChange(deps, tx, { actor, entity: 'product', id: variant.productId, action: 'update', before: picked, after: changes.product });
      }
      touched.add(variant.productId);
    } else {
      // A new product's slug: its name and sku, which no live variant shares (an archived product may).
      const slug = taken.has(slugOf(row)) ? `${slugOf(row)}-${randomBytes(3).toString('hex')}` : slugOf(row);
      const [created] = await tx
        .insert(products)
        .values({
          name: row.name,
          slug,
          priceCents: row.priceCents,
          stock: 0,
          isActive: row.productActive ?? true,
          categoryId: row.categoryId ?? null,
        })
        .returning({ id: products.id });
      await tx.insert(productVariants).values({
        productId: created!.id,
        sku: row.sku,
        title: row.title ?? 'Default',
        optionValues: {},
        priceCents: row.priceCents,
        stock: row.stock,
        isActive: row.variantActive ?? true,
      });
      await recordChange(deps, tx, { actor, entity: 'product', id: created!.id, action: 'create', before: null, after: { name: row.name, sku: row.sku, priceCents: row.priceCents, stock: row.stock } });
      touched.add(created!.id);
    }
  }
  for (const productId of touched) await syncProduct(tx, productId);
  if (touched.size) {
    await emitUpdated(deps, tx, [...touched]);
    catalogChanged(deps, tx);
  }
  plan.applied = true;
  return plan;
}

/** POST products.importCsv (staff): a dry run, or (`apply`) the same plan carried out in one transaction. */
export async function importProductsCsv(deps: Deps, actor: Actor, input: { csv: string; apply: boolean }): Promise<ImportPlan> {
  return transaction(deps, (tx) => planAndApply(deps, tx, { actor, ...input }));
}

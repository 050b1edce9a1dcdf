import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrate';
import { testServerUrl } from './testing';

// Migration 0002 gives every existing product one default variant. Checked on a database that
// holds products, carts and orders made before it, as a running shop's would.

const name = `commerce_t_${process.pid}_mig_${randomBytes(4).toString('hex')}`;
const url = (() => {
  const parsed = new URL(testServerUrl);
  parsed.pathname = `/${name}`;
  return parsed.toString();
})();
const admin = postgres(testServerUrl, { max: 1, onnotice: () => {} });
let sql: postgres.Sql;
const before = mkdtempSync(join(tmpdir(), 'commerce-migrations-'));

/** The migrations folder as it was before variants: 0000 and 0001 only. */
function migrationsBeforeVariants(): string {
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.tag < '0002');
  writeFileSync(journalPath, JSON.stringify(journal));
  return before;
}

beforeAll(async () => {
  await admin.unsafe(`create database "${name}"`);
  sql = postgres(url, { max: 1, onnotice: () => {} });
  await migrate(drizzle(sql), { migrationsFolder: migrationsBeforeVariants() });
  await sql`insert into users (id, email, password_hash) values (1, 'old@example.test', 'x')`;
  await sql`
    insert into products (id, slug, name, price_cents, stock, sku, images, low_stock_threshold)
    values (10, 'old-lamp', 'Old Lamp', 2500, 7, 'LAMP-1', '[{"url":"https://cdn.example.com/lamp.jpg","alt":"A lamp"}]', 3),
           (11, 'old-mug', 'Old Mug', 900, 0, null, '[]', null)`;
  await sql`insert into carts (id, user_id) values (1, 1)`;
  await sql`insert into cart_items (cart_id, product_id, quantity) values (1, 11, 2)`;
  await sql`insert into orders (id, user_id, total_cents, currency) values (100, 1, 5000, 'USD')`;
  await sql`insert into order_items (order_id, product_id, name, quantity, unit_price_cents, line_total_cents)
            values (100, 10, 'Old Lamp', 2, 2500, 5000)`;
  await migrate(drizzle(sql), { migrationsFolder });
}, 60_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end({ timeout: 5 });
  rmSync(before, { recursive: true, force: true });
});

describe('migration 0002 (variants) on a store with data', () => {
  it('gives every product one default variant with its sku, price, stock and threshold, keeping ids', async () => {
    const variants = await sql`
      select product_id, sku, title, option_values, price_cents, stock, is_active, low_stock_threshold
      from product_variants order by product_id`;
    expect(variants.map((v) => ({ ...v }))).toEqual([
      { product_id: 10, sku: 'LAMP-1', title: 'Default', option_values: {}, price_cents: 2500, stock: 7, is_active: true, low_stock_threshold: 3 },
      { product_id: 11, sku: null, title: 'Default', option_values: {}, price_cents: 900, stock: 0, is_active: true, low_stock_threshold: null },
    ]);
    const productRows = await sql`select id, price_cents, stock, options from products order by id`;
    expect(productRows.map((p) => ({ ...p }))).toEqual([
      { id: 10, price_cents: 2500, stock: 7, options: [] },
      { id: 11, price_cents: 900, stock: 0, options: [] },
    ]);
  });

  it('keeps past orders and carts, now pointing at the default variants', async () => {
    const [item] = await sql`
      select oi.product_id, oi.name, oi.variant_title, oi.sku, oi.quantity, oi.unit_price_cents, v.product_id as variant_product
      from order_items oi join product_variants v on v.id = oi.variant_id`;
    expect({ ...item }).toEqual({
      product_id: 10,
      name: 'Old Lamp',
      variant_title: 'Default',
      sku: 'LAMP-1',
      quantity: 2,
      unit_price_cents: 2500,
      variant_product: 10,
    });
    const [line] = await sql`select c.product_id, c.quantity, v.product_id as variant_product from cart_items c join product_variants v on v.id = c.variant_id`;
    expect({ ...line }).toEqual({ product_id: 11, quantity: 2, variant_product: 11 });
  });

  it('moves outside image URLs into their own rows, in order', async () => {
    const images = await sql`select product_id, url, alt, position, storage_key from product_images order by id`;
    expect(images.map((i) => ({ ...i }))).toEqual([
      { product_id: 10, url: 'https://cdn.example.com/lamp.jpg', alt: 'A lamp', position: 0, storage_key: null },
    ]);
  });
});

describe('migration 0006 (order totals) on a store with data', () => {
  it('keeps orders placed before totals valid: their subtotal is their total, with no discount, shipping or tax', async () => {
    const [order] = await sql`
      select subtotal_cents, discount_cents, shipping_cents, tax_cents, total_cents, coupon_code, shipping_method, shipment
      from orders where id = 100`;
    expect({ ...order }).toEqual({
      subtotal_cents: 5000,
      discount_cents: 0,
      shipping_cents: 0,
      tax_cents: 0,
      total_cents: 5000,
      coupon_code: null,
      shipping_method: null,
      shipment: null,
    });
    const [line] = await sql`select discount_cents, tax_cents from order_items where order_id = 100`;
    expect({ ...line }).toEqual({ discount_cents: 0, tax_cents: 0 });
  });
});

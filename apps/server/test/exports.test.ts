import { products, productVariants } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

let server: TestServer;
let staff: string;
let baseUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
});
afterAll(() => server.close());

const download = (path: string, token?: string) => fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
const importCsv = (csv: string, apply: boolean) => server.request('POST', '/trpc/products.importCsv', { token: staff, body: { csv, apply } });

describe('CSV exports (staff)', () => {
  it('is 401 without a session and 403 for a customer; a bad filter is a 400', async () => {
    const customer = (await createUserWithToken(server.runtime, 'customer')).token;
    for (const path of ['/api/exports/products.csv', '/api/exports/orders.csv']) {
      expect((await download(path)).status).toBe(401);
      expect((await download(path, customer)).status).toBe(403);
    }
    for (const path of ['/api/exports/products.csv?categoryId=abc', '/api/exports/products.csv?active=maybe', '/api/exports/orders.csv?status=lost']) {
      const res = await download(path, staff);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/categoryId|active|status/);
    }
  });

  it('exports the filtered products; importing the same file again is a no-op', async () => {
    const id = await createProduct(server.runtime.deps.db, { name: 'Exportable lantern, "brass"' });
    await server.runtime.deps.db.update(productVariants).set({ sku: 'EXP-LANTERN' }).where(eq(productVariants.productId, id));
    const res = await download('/api/exports/products.csv?q=lantern', staff);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="products-\d{4}-\d\d-\d\d\.csv"$/);
    const csv = await res.text();
    expect(csv.split('\n')[0]).toBe('sku,product_name,product_active,category_id,variant_title,price_cents,stock,variant_active,product_id,variant_id,option_values');
    expect(csv).toContain('EXP-LANTERN,"Exportable lantern, ""brass""",true,,Default,1000,10,true');
    const [before] = await server.runtime.deps.db.select({ updatedAt: products.updatedAt }).from(products).where(eq(products.id, id));
    const dry = await importCsv(csv, false);
    expect(dry.status).toBe(200);
    expect(dry.body.result.data).toEqual({ rows: 1, create: [], update: [], unchanged: 1, errors: [], applied: false });
    expect((await importCsv(csv, true)).body.result.data).toMatchObject({ unchanged: 1, applied: true });
    const [after] = await server.runtime.deps.db.select({ updatedAt: products.updatedAt }).from(products).where(eq(products.id, id));
    expect(after).toEqual(before);
  });

  it('reports a malformed line by line and column, and refuses the import to a customer', async () => {
    const plan = await importCsv('sku,product_name,price_cents,stock\nEXP-A,Thing,12x,1\nEXP-B,"unclosed,1,1\n', false);
    expect(plan.status).toBe(200);
    expect(plan.body.result.data.errors).toEqual([
      { line: 2, column: 'price_cents', message: expect.any(String) },
      { line: 3, column: null, message: expect.stringContaining('Quote Not Closed') },
    ]);
    const customer = (await createUserWithToken(server.runtime, 'customer')).token;
    expect((await server.request('POST', '/trpc/products.importCsv', { token: customer, body: { csv: 'sku\n', apply: false } })).status).toBe(403);
  });

  it('exports orders with the list filters', async () => {
    const res = await download('/api/exports/orders.csv?status=delivered', staff);
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n')[0]).toBe(
      'order_id,created_at,status,customer_email,customer_name,units,subtotal_cents,discount_cents,shipping_cents,tax_cents,total_cents,currency,coupon_code,ship_to_country',
    );
  });

  it('streams 100 000 rows in many chunks with a bounded heap', async () => {
    await server.runtime.deps.db.execute(sql`
      with made as (
        insert into products (slug, name, price_cents, stock, is_active)
        select 'bulk-export-' || g, 'Streamed item ' || g, 100, 1, true from generate_series(1, 100000) g
        returning id)
      insert into product_variants (product_id, sku, title, option_values, price_cents, stock, position)
      select id, 'STREAM-' || id, 'Default', '{}'::jsonb, 100, 1, 0 from made`);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
    const res = await download('/api/exports/products.csv?q=Streamed', staff);
    let chunks = 0;
    let newlines = 0;
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      for (const byte of value) if (byte === 10) newlines += 1;
    }
    clearInterval(sampler);
    expect(newlines).toBe(100_001);
    expect(chunks).toBeGreaterThan(50);
    // The whole file is about 8 MB; rows held at once would be several times that.
    expect(peak - heapBefore).toBeLessThan(96 * 1024 * 1024);
  }, 180_000);
});

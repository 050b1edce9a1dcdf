import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, queryRows } from './client';
import { migratePostgresUrl } from './migrate';
import { products } from './schema';
import { testServerUrl } from './testing';

describe('PGlite (no DATABASE_URL)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'commerce-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates, seeds and queries, and refuses a second opener of the same directory', async () => {
    const handle = await createDb({ pgliteDir: dir });
    try {
      expect(handle.kind).toBe('pglite');
      await handle.migrate();
      await handle.migrate(); // idempotent
      // The sample store itself is core's (seed.test.ts); here, a row through the embedded database.
      await handle.db.insert(products).values({ name: 'Cast Iron Skillet', slug: 'cast-iron-skillet', priceCents: 3900 });
      const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(products);
      expect(row?.n).toBe(1);
      const found = await queryRows<{ name: string }>(
        handle.db,
        sql`select name from products where search @@ websearch_to_tsquery('english', 'skillets') limit 1`,
      );
      expect(found[0]?.name).toMatch(/Skillet/);

      await expect(createDb({ pgliteDir: dir })).rejects.toThrow(/already open in process/);

      const opener = fileURLToPath(new URL('./client.ts', import.meta.url));
      const child = spawnSync(
        process.execPath,
        ['--import', 'tsx', '-e', `import(${JSON.stringify(opener)}).then(m => m.createDb({ pgliteDir: ${JSON.stringify(dir)} })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3) })`],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.status).toBe(3);
      expect(child.stderr).toContain(`already open in process ${process.pid}`);
    } finally {
      await handle.close();
    }
    // Once closed, the directory can be opened again.
    const again = await createDb({ pgliteDir: dir });
    await again.close();
  });
});

describe('PGlite directory lock', () => {
  it('takes over a lock left by a dead process, and refuses one held by a live process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'commerce-pglite-lock-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(join(dir, 'commerce.lock'), dead.stdout);
      const handle = await createDb({ pgliteDir: dir });
      expect(readFileSync(join(dir, 'commerce.lock'), 'utf8')).toBe(String(process.pid));
      await handle.close();
      expect(existsSync(join(dir, 'commerce.lock'))).toBe(false);

      writeFileSync(join(dir, 'commerce.lock'), '1'); // pid 1 is always alive
      await expect(createDb({ pgliteDir: dir })).rejects.toThrow(/already open in process 1\b/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migrations on Postgres', () => {
  const admin = postgres(testServerUrl, { max: 1, onnotice: () => {} });
  const name = `commerce_t_migrate_${process.pid}`;
  afterAll(async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  it('lets several processes migrate an empty database at once (advisory lock)', async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
    const url = new URL(testServerUrl);
    url.pathname = `/${name}`;
    await Promise.all([1, 2, 3, 4].map(() => migratePostgresUrl(url.toString())));
    const handle = await createDb({ databaseUrl: url.toString(), poolMax: 2 });
    try {
      const tables = await queryRows<{ n: number }>(
        handle.db,
        sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`,
      );
      expect(tables[0]?.n).toBeGreaterThanOrEqual(11);
      const applied = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(applied[0]?.n).toBeGreaterThanOrEqual(1);

      await handle.db.insert(products).values({ name: 'Cast Iron Skillet', slug: 'cast-iron-skillet', priceCents: 3900 });
      const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(products);
      expect(row!.n).toBe(1);
      const violation = (query: ReturnType<typeof sql>) =>
        handle.db.execute(query).then(
          () => 'accepted',
          (error: { cause?: { message?: string } }) => String(error.cause?.message),
        );
      expect(await violation(sql`update products set stock = -1 where id = 1`)).toMatch(/products_stock_nonnegative/);
      expect(await violation(sql`update products set price_cents = -1 where id = 1`)).toMatch(/products_price_nonnegative/);
      await handle.db.execute(sql`insert into users (email, password_hash) values ('Shop@Example.com', 'x')`);
      expect(await violation(sql`insert into users (email, password_hash) values ('shop@example.COM', 'x')`)).toMatch(/users_email_lower_unique/);
    } finally {
      await handle.close();
    }
  });
});

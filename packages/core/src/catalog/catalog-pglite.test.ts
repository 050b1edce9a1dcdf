import { mkdtempSync, rmSync } from 'node:fs';
import { systemActor } from '../audit';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type DbHandle } from '@commerce/db';
import { seedCatalog, seedSyntheticProducts } from '../seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { getMe, register } from '../auth/accounts';
import { resolveViewer } from '../auth/sessions';
import { MemoryCache } from '../cache';
import { systemClock } from '../clock';
import { defaultSettings, type Deps } from '../deps';
import { LocalMediaStorage } from '../media/local';
import { OfflinePaymentProvider } from '../payments/offline';
import { paymentDeps } from '../payments/order-payments';
import { createCategory, deleteCategory, listCategories, updateCategory } from './categories';
import { adjustStock, listLowStock } from './inventory';
import { MemoryLiveBus } from '../live';
import { archiveProduct, createProduct, getProduct, listProducts } from './products';
import { createProductInput, listProductsInput } from './schemas';

// The same catalog code on the embedded database (no DATABASE_URL): tsvector search, the
// recursive category query, slugs, conditional stock updates; and a session resolved through
// lucia's adapter there, as `pnpm start` signs staff in.

const dir = mkdtempSync(join(tmpdir(), 'commerce-catalog-pglite-'));
let handle: DbHandle;
let deps: Deps;

beforeAll(async () => {
  handle = await createDb({ pgliteDir: dir });
  await handle.migrate();
  await seedCatalog(handle.db);
  await seedSyntheticProducts(handle.db, 2_000);
  deps = {
    db: handle.db,
    cache: new MemoryCache(),
    clock: systemClock,
    settings: defaultSettings,
    ...paymentDeps([new OfflinePaymentProvider()]),
    media: new LocalMediaStorage(join(dir, 'media')),
    live: new MemoryLiveBus(),
  };
}, 180_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const search = (q: string) => listProducts(deps, null, listProductsInput.parse({ q }));

describe('catalog on PGlite', () => {
  it('searches the tsvector column, stemming words', async () => {
    const page = await search('speakers');
    expect(page.items.map((p) => p.name)).toEqual(
      expect.arrayContaining(['Bluetooth Bookshelf Speakers', 'Portable Waterproof Speaker']),
    );
    expect((await search('"noise-cancelling headphones"')).items.map((p) => p.name)).toEqual([
      'Wireless Noise-Cancelling Headphones',
    ]);
    // Synthetic names combine word lists: 1 in 12 has "Walnut", 1 in 14 of those "Lamp".
    const walnut = await search('walnut lamps');
    expect(walnut.total).toBeGreaterThan(0);
    expect(walnut.items.every((p) => /Walnut Lamp/.test(p.name))).toBe(true);
  });

  it('answers odd search text with a page, never an error', async () => {
    for (const q of ["'; drop table products; --", '"unbalanced', 'café crème', '🎉', '', 'the', '!!! & | ( )']) {
      const page = await search(q);
      expect(Array.isArray(page.items)).toBe(true);
    }
    expect((await listProducts(deps, null, listProductsInput.parse({}))).total).toBeGreaterThan(1_000);
  });

  it('filters a category with its subcategories', async () => {
    const { items } = await listCategories(deps);
    const electronics = items.find((c) => c.slug === 'electronics')!;
    const page = await listProducts(deps, null, listProductsInput.parse({ categoryId: electronics.id, limit: 50 }));
    const children = items.filter((c) => c.parentId === electronics.id).map((c) => c.id);
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.every((p) => children.includes(p.categoryId!))).toBe(true);
  });

  it('makes unique slugs, refuses cycles and archives', async () => {
    const input = createProductInput.parse({ name: 'Yoga Mat', priceCents: 100, stock: 1 });
    expect((await createProduct(deps, systemActor, input)).slug).toBe('yoga-mat-2');
    const root = await createCategory(deps, systemActor, { name: 'Root' });
    const child = await createCategory(deps, systemActor, { name: 'Child', parentId: root.id });
    await expect(updateCategory(deps, systemActor, { id: root.id, parentId: child.id })).rejects.toMatchObject({ code: 'CATEGORY_CYCLE' });
    await expect(deleteCategory(deps, systemActor, root.id)).rejects.toBeInstanceOf(AppError);
    const product = await createProduct(deps, systemActor, createProductInput.parse({ name: 'Gone', priceCents: 1, stock: 0 }));
    await archiveProduct(deps, systemActor, product.id);
    await expect(getProduct(deps, null, product.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('turns a duplicate sku into a conflict', async () => {
    const input = createProductInput.parse({ name: 'Twin', priceCents: 1, stock: 1, sku: 'PGLITE-SKU' });
    await createProduct(deps, systemActor, input);
    await expect(createProduct(deps, systemActor, input)).rejects.toMatchObject({ code: 'SKU_TAKEN', details: { field: 'sku' } });
  });

  it('adjusts stock conditionally and lists low stock', async () => {
    const product = await createProduct(deps, systemActor, createProductInput.parse({ name: 'Scarce', priceCents: 1, stock: 2 }));
    await expect(adjustStock(deps, systemActor, { id: product.id, delta: -3 })).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect((await adjustStock(deps, systemActor, { id: product.id, delta: -2 })).stock).toBe(0);
    const low = await listLowStock(deps, { page: 1, limit: 50 });
    expect(low.items.map((v) => v.productId)).toContain(product.id);
  });
});

describe('sessions on PGlite', () => {
  it('resolves a token to its user and profile, from the database and then from the cache', async () => {
    const { token, user } = await register(deps, { email: 'pglite@example.test', password: 'a long password', name: 'Pat' }, { ip: '127.0.0.1' });
    const fromDatabase = await resolveViewer(deps, token);
    expect(fromDatabase).toEqual({ userId: user.id, role: 'customer', profile: { email: user.email, name: 'Pat', createdAt: user.createdAt } });
    expect(await resolveViewer(deps, token)).toEqual(fromDatabase);
    expect(await getMe(deps, fromDatabase)).toEqual(user);
  });
});

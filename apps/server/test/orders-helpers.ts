import { insertTestProduct } from '@commerce/core/testing';
import type { Database } from '@commerce/db';

export interface ProductFixture {
  name?: string;
  priceCents?: number;
  stock?: number;
  isActive?: boolean;
  archivedAt?: Date | null;
}

/** A single-variant product straight in the database (the catalog write endpoints are another slice). */
export async function createProduct(db: Database, fixture: ProductFixture = {}): Promise<number> {
  const { name = `Product ${Math.random().toString(36).slice(2, 8)}`, priceCents = 1000, stock = 10, ...rest } = fixture;
  return (await insertTestProduct(db, { name, priceCents, stock, ...rest })).id;
}

export async function stockOf(db: Database, productId: number): Promise<number> {
  const row = await db.query.products.findFirst({ columns: { stock: true }, where: (p, { eq }) => eq(p.id, productId) });
  return row!.stock;
}

const columnOf = { priceCents: 'price_cents', stock: 'stock', isActive: 'is_active', archivedAt: 'archived_at' } as const;

/**
 * Changes a single-variant product as staff would, behind the API's back (raw SQL: this app
 * does not depend on drizzle-orm itself): price and stock are its variant's too.
 */
export async function updateProduct(db: Database, productId: number, values: Omit<ProductFixture, 'name'>): Promise<void> {
  const sets = Object.entries(values).map(([field, value]) => {
    const literal = value instanceof Date ? `'${value.toISOString()}'` : value === null ? 'null' : String(value);
    return [field, `${columnOf[field as keyof typeof columnOf]} = ${literal}`] as const;
  });
  const id = Number(productId);
  await db.execute(`update products set ${sets.map(([, set]) => set).join(', ')} where id = ${id}`);
  const ofVariant = sets.filter(([field]) => field === 'priceCents' || field === 'stock').map(([, set]) => set);
  if (ofVariant.length) await db.execute(`update product_variants set ${ofVariant.join(', ')} where product_id = ${id}`);
}

export const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 7AA',
  country: 'GB',
};

export const keyHeader = (key: string) => ({ 'idempotency-key': key });

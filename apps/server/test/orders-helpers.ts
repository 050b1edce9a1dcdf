import { randomBytes } from 'node:crypto';
import { products, type Database } from '@commerce/db';

export interface ProductFixture {
  name?: string;
  priceCents?: number;
  stock?: number;
  isActive?: boolean;
  archivedAt?: Date | null;
}

/** A product straight in the database (the catalog write endpoints are another slice). */
export async function createProduct(db: Database, fixture: ProductFixture = {}): Promise<number> {
  const tag = randomBytes(5).toString('hex');
  const [row] = await db
    .insert(products)
    .values({ slug: `test-${tag}`, name: `Product ${tag}`, priceCents: 1000, stock: 10, ...fixture })
    .returning({ id: products.id });
  return row!.id;
}

export async function stockOf(db: Database, productId: number): Promise<number> {
  const row = await db.query.products.findFirst({ columns: { stock: true }, where: (p, { eq }) => eq(p.id, productId) });
  return row!.stock;
}

const columnOf = { priceCents: 'price_cents', stock: 'stock', isActive: 'is_active', archivedAt: 'archived_at' } as const;

/** Changes a product as staff would (raw SQL: this app does not depend on drizzle-orm itself). */
export async function updateProduct(db: Database, productId: number, values: Omit<ProductFixture, 'name'>): Promise<void> {
  const sets = Object.entries(values).map(([field, value]) => {
    const literal = value instanceof Date ? `'${value.toISOString()}'` : value === null ? 'null' : String(value);
    return `${columnOf[field as keyof typeof columnOf]} = ${literal}`;
  });
  await db.execute(`update products set ${sets.join(', ')} where id = ${Number(productId)}`);
}

export const address = {
  name: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'N1 7AA',
  country: 'GB',
};

export const keyHeader = (key: string) => ({ 'idempotency-key': key });

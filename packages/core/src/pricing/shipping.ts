import { shippingMethods, type Database, type Transaction } from '@commerce/db';
import { arrayContains, asc, eq, sql } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { transaction } from '../transaction';
import type { ShippingMethodDto, ShippingMethodInput, UpdateShippingMethodInput } from './schemas';

type Db = Database | Transaction;
export type ShippingMethodRow = typeof shippingMethods.$inferSelect;

const toDto = (row: ShippingMethodRow): ShippingMethodDto => ({
  id: row.id,
  name: row.name,
  priceCents: row.priceCents,
  freeOverCents: row.freeOverCents,
  countries: row.countries,
  minDays: row.minDays,
  maxDays: row.maxDays,
});

/** GET /shipping-methods: every method, or those serving one country; cheapest first. */
export async function listShippingMethods(deps: Deps, input: { country?: string | undefined }): Promise<{ items: ShippingMethodDto[] }> {
  const rows = await deps.db
    .select()
    .from(shippingMethods)
    .where(input.country ? arrayContains(shippingMethods.countries, [input.country]) : undefined)
    .orderBy(asc(shippingMethods.priceCents), asc(shippingMethods.id));
  return { items: rows.map(toDto) };
}

export async function createShippingMethod(deps: Deps, actor: Actor, input: ShippingMethodInput): Promise<ShippingMethodDto> {
  return transaction(deps, async (tx) => {
    const [row] = await tx
      .insert(shippingMethods)
      .values({ ...input, freeOverCents: input.freeOverCents ?? null, countries: [...new Set(input.countries)] })
      .returning();
    await recordChange(deps, tx, { actor, entity: 'shipping_method', id: row!.id, action: 'create', before: null, after: row! });
    return toDto(row!);
  });
}

export async function updateShippingMethod(deps: Deps, actor: Actor, input: UpdateShippingMethodInput): Promise<ShippingMethodDto> {
  const { id, ...changes } = input;
  return transaction(deps, async (tx) => {
    const [current] = await tx.select().from(shippingMethods).where(eq(shippingMethods.id, id)).for('update');
    if (!current) throw notFound('Shipping method');
    const values = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as Partial<ShippingMethodRow>;
    if (values.countries) values.countries = [...new Set(values.countries)];
    if ((values.minDays ?? current.minDays) > (values.maxDays ?? current.maxDays)) {
      throw new AppError('BAD_REQUEST', 'maxDays must be at least minDays', { field: 'maxDays' });
    }
    const [row] = await tx
      .update(shippingMethods)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(shippingMethods.id, id))
      .returning();
    await recordChange(deps, tx, { actor, entity: 'shipping_method', id, action: 'update', before: current, after: row! });
    return toDto(row!);
  });
}

/** Orders keep the method as they were charged; carts that chose it choose again. */
export async function deleteShippingMethod(deps: Deps, actor: Actor, id: number): Promise<ShippingMethodDto> {
  return transaction(deps, async (tx) => {
    const [deleted] = await tx.delete(shippingMethods).where(eq(shippingMethods.id, id)).returning();
    if (!deleted) throw notFound('Shipping method');
    await recordChange(deps, tx, { actor, entity: 'shipping_method', id, action: 'delete', before: deleted, after: null });
    return toDto(deleted);
  });
}

/**
 * The method a delivery to `country` uses: the one named, which must serve the country (400
 * `shipping_method_unavailable`); none named is fine only where no method serves the country
 * (400 `shipping_method_required`).
 */
export async function shippingMethodFor(db: Db, { country, shippingMethodId }: { country: string; shippingMethodId: number | null | undefined }) {
  if (shippingMethodId == null) {
    const [any] = await db
      .select({ id: shippingMethods.id })
      .from(shippingMethods)
      .where(arrayContains(shippingMethods.countries, [country]))
      .limit(1);
    if (any) {
      throw new AppError('SHIPPING_METHOD_REQUIRED', `Choose a shipping method for ${country}: GET /api/shipping-methods?country=${country} lists them`, {
        field: 'shippingMethodId',
      });
    }
    return null;
  }
  const [method] = await db.select().from(shippingMethods).where(eq(shippingMethods.id, shippingMethodId));
  if (!method?.countries.includes(country)) {
    throw new AppError('SHIPPING_METHOD_UNAVAILABLE', `Shipping method ${shippingMethodId} does not ship to ${country}`, {
      field: 'shippingMethodId',
    });
  }
  return method;
}

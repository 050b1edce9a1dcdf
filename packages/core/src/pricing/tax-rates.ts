import { taxRates, type Database, type Transaction } from '@commerce/db';
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, isUniqueViolation, notFound } from '../errors';
import { transaction } from '../transaction';
import type { TaxRateDto, TaxRateInput, UpdateTaxRateInput } from './schemas';

type Db = Database | Transaction;
export type TaxRateRow = typeof taxRates.$inferSelect;

const toDto = (row: TaxRateRow): TaxRateDto => ({
  id: row.id,
  country: row.country,
  region: row.region,
  ratePercent: row.rateMillipercent / 1000,
  includesShipping: row.includesShipping,
});

const taken = () => new AppError('TAX_RATE_TAKEN', 'A rate for this country and region already exists: change that one', { field: 'region' });

/** Regions are compared in upper case, as addresses spell them in any case. */
const regionKey = (region: string | null | undefined) => (region == null ? region : region.toUpperCase());

function rateValues(input: Partial<Omit<TaxRateInput, 'id'>>) {
  const values = {
    country: input.country,
    region: regionKey(input.region),
    rateMillipercent: input.ratePercent === undefined ? undefined : Math.round(input.ratePercent * 1000),
    includesShipping: input.includesShipping,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<typeof taxRates.$inferInsert>;
}

export async function listTaxRates(deps: Deps): Promise<{ items: TaxRateDto[] }> {
  const rows = await deps.db.select().from(taxRates).orderBy(asc(taxRates.country), sql`${taxRates.region} nulls first`, asc(taxRates.id));
  return { items: rows.map(toDto) };
}

export async function createTaxRate(deps: Deps, actor: Actor, input: TaxRateInput): Promise<TaxRateDto> {
  try {
    return await transaction(deps, async (tx) => {
      const [row] = await tx
        .insert(taxRates)
        .values({ ...rateValues(input), country: input.country, rateMillipercent: Math.round(input.ratePercent * 1000) })
        .returning();
      await recordChange(deps, tx, { actor, entity: 'tax_rate', id: row!.id, action: 'create', before: null, after: row! });
      return toDto(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'tax_rates_place_unique')) throw taken();
    throw error;
  }
}

export async function updateTaxRate(deps: Deps, actor: Actor, input: UpdateTaxRateInput): Promise<TaxRateDto> {
  const { id, ...changes } = input;
  try {
    return await transaction(deps, async (tx) => {
      const [before] = await tx.select().from(taxRates).where(eq(taxRates.id, id)).for('update');
      if (!before) throw notFound('Tax rate');
      const [row] = await tx
        .update(taxRates)
        .set({ ...rateValues(changes), updatedAt: sql`now()` })
        .where(eq(taxRates.id, id))
        .returning();
      await recordChange(deps, tx, { actor, entity: 'tax_rate', id, action: 'update', before, after: row! });
      return toDto(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'tax_rates_place_unique')) throw taken();
    throw error;
  }
}

export async function deleteTaxRate(deps: Deps, actor: Actor, id: number): Promise<TaxRateDto> {
  return transaction(deps, async (tx) => {
    const [deleted] = await tx.delete(taxRates).where(eq(taxRates.id, id)).returning();
    if (!deleted) throw notFound('Tax rate');
    await recordChange(deps, tx, { actor, entity: 'tax_rate', id, action: 'delete', before: deleted, after: null });
    return toDto(deleted);
  });
}

/** The rate for a destination: its region's when there is one, else its country's, else none. */
export async function taxRateFor(db: Db, { country, region }: { country: string; region?: string | undefined }): Promise<TaxRateRow | null> {
  const regionMatch = region ? eq(taxRates.region, region.trim().toUpperCase()) : undefined;
  const rows = await db
    .select()
    .from(taxRates)
    .where(and(eq(taxRates.country, country), regionMatch ? or(isNull(taxRates.region), regionMatch) : isNull(taxRates.region)));
  return rows.find((row) => row.region !== null) ?? rows[0] ?? null;
}

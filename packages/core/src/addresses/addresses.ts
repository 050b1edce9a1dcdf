import { addresses, users, type ShippingAddress, type Transaction } from '@commerce/db';
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { transaction } from '../transaction';
import { signedInUserId, type Viewer } from '../viewer';
import {
  MAX_ADDRESSES,
  shippingAddressSchema,
  type AddressDto,
  type CreateAddressInput,
  type UpdateAddressInput,
} from './schemas';

type AddressRow = typeof addresses.$inferSelect;

/** The address as an order or a form holds it: optional fields absent rather than null. */
export function toShippingAddress(row: AddressRow): ShippingAddress {
  return {
    name: row.name,
    line1: row.line1,
    ...(row.line2 !== null && { line2: row.line2 }),
    city: row.city,
    ...(row.region !== null && { region: row.region }),
    postalCode: row.postalCode,
    country: row.country,
    ...(row.phone !== null && { phone: row.phone }),
  };
}

function toAddressDto(row: AddressRow): AddressDto {
  return {
    id: row.id,
    ...toShippingAddress(row),
    isDefaultShipping: row.isDefaultShipping,
    isDefaultBilling: row.isDefaultBilling,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Every write to one user's address book runs after locking the user's row: the count against
 * the limit and the switch of a default happen one request after another, never both against
 * the same state (the partial unique indexes would refuse a second default anyway).
 */
async function lockAddressBook(tx: Transaction, userId: number): Promise<void> {
  await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
}

/** Clears the defaults `row` is about to take from the user's other addresses. */
async function clearOtherDefaults(tx: Transaction, userId: number, id: number | null, wants: { shipping: boolean; billing: boolean }) {
  const others = and(eq(addresses.userId, userId), id === null ? undefined : ne(addresses.id, id));
  if (wants.shipping) {
    await tx.update(addresses).set({ isDefaultShipping: false }).where(and(others, eq(addresses.isDefaultShipping, true)));
  }
  if (wants.billing) {
    await tx.update(addresses).set({ isDefaultBilling: false }).where(and(others, eq(addresses.isDefaultBilling, true)));
  }
}

const nullable = (value: string | null | undefined) => (value === undefined ? null : value);

export async function listAddresses(deps: Deps, viewer: Viewer): Promise<{ items: AddressDto[] }> {
  const userId = signedInUserId(viewer);
  const rows = await deps.db.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(asc(addresses.id));
  return { items: rows.map(toAddressDto) };
}

/** A customer's address book as staff see it (at most MAX_ADDRESSES rows; an unknown id is a 404). */
export async function customerAddresses(deps: Deps, userId: number): Promise<{ items: AddressDto[] }> {
  const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(users.id, userId));
  if (!user) throw notFound('Customer');
  const rows = await deps.db.select().from(addresses).where(eq(addresses.userId, userId)).orderBy(asc(addresses.id)).limit(MAX_ADDRESSES);
  return { items: rows.map(toAddressDto) };
}

export async function createAddress(deps: Deps, viewer: Viewer, input: CreateAddressInput): Promise<AddressDto> {
  const userId = signedInUserId(viewer);
  const { isDefaultShipping = false, isDefaultBilling = false, ...fields } = input;
  const row = await transaction(deps, async (tx) => {
      await lockAddressBook(tx, userId);
      const [held] = await tx.select({ n: count() }).from(addresses).where(eq(addresses.userId, userId));
      if ((held?.n ?? 0) >= MAX_ADDRESSES) {
        throw new AppError('ADDRESS_BOOK_FULL', `An address book holds at most ${MAX_ADDRESSES} addresses: delete one first`);
      }
      await clearOtherDefaults(tx, userId, null, { shipping: isDefaultShipping, billing: isDefaultBilling });
      const [inserted] = await tx
        .insert(addresses)
        .values({
          userId,
          ...fields,
          line2: nullable(fields.line2),
          region: nullable(fields.region),
          phone: nullable(fields.phone),
          isDefaultShipping,
          isDefaultBilling,
        })
        .returning();
      return inserted!;
    });
  return toAddressDto(row);
}

export async function updateAddress(deps: Deps, viewer: Viewer, input: UpdateAddressInput): Promise<AddressDto> {
  const userId = signedInUserId(viewer);
  const { id, isDefaultShipping, isDefaultBilling, ...changes } = input;
  const row = await transaction(deps, async (tx) => {
      await lockAddressBook(tx, userId);
      const [current] = await tx.select().from(addresses).where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
      if (!current) throw notFound('Address');
      const merged = { ...toShippingAddress(current), ...changes };
      for (const field of ['line2', 'region', 'phone'] as const) if (merged[field] === null) delete merged[field];
      // The whole address must still be one an order could ship to.
      const parsed = shippingAddressSchema.safeParse(merged);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('BAD_REQUEST', `${issue?.path.join('.')}: ${issue?.message}`, { field: String(issue?.path[0] ?? '') });
      }
      const address = parsed.data;
      await clearOtherDefaults(tx, userId, id, { shipping: isDefaultShipping === true, billing: isDefaultBilling === true });
      const [updated] = await tx
        .update(addresses)
        .set({
          ...address,
          line2: nullable(address.line2),
          region: nullable(address.region),
          phone: nullable(address.phone),
          ...(isDefaultShipping !== undefined && { isDefaultShipping }),
          ...(isDefaultBilling !== undefined && { isDefaultBilling }),
          updatedAt: sql`now()`,
        })
        .where(eq(addresses.id, id))
        .returning();
      return updated!;
    });
  return toAddressDto(row);
}

export async function deleteAddress(deps: Deps, viewer: Viewer, id: number): Promise<{ success: true }> {
  const userId = signedInUserId(viewer);
  const deleted = await deps.db
    .delete(addresses)
    .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
    .returning({ id: addresses.id });
  if (!deleted.length) throw notFound('Address');
  return { success: true };
}

/**
 * Where an order goes, from what the caller sent: the address typed in, a copy of one of their
 * saved addresses (another user's reads as absent: 404), or none. Read inside the order's
 * transaction; the order keeps the copy, so a later edit of the address changes no order.
 */
export async function destinationOf(
  tx: Transaction,
  userId: number,
  input: { shippingAddress?: ShippingAddress | undefined; addressId?: number | undefined },
): Promise<ShippingAddress | null> {
  if (input.addressId === undefined) return input.shippingAddress ?? null;
  if (input.shippingAddress) {
    throw new AppError('BAD_REQUEST', 'Send either shippingAddress or addressId, not both', { field: 'addressId' });
  }
  const [row] = await tx.select().from(addresses).where(and(eq(addresses.id, input.addressId), eq(addresses.userId, userId)));
  if (!row) throw notFound('Address');
  return toShippingAddress(row);
}

import { couponRedemptions, coupons, orders, users, type Database, type Transaction } from '@commerce/db';
import { and, asc, count, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { transaction } from '../transaction';
import { AppError, isUniqueViolation, notFound } from '../errors';
import { couponCovers, type PricingLine } from './price';
import { offsetOf, pageOf, type Page } from '../pagination';
import type { CouponDto, CouponInput, CouponRedemptionDto, CouponRedemptionsInput, UpdateCouponInput } from './schemas';

type Db = Database | Transaction;
export type CouponRow = typeof coupons.$inferSelect;

const toCouponDto = (row: CouponRow): CouponDto => ({
  id: row.id,
  code: row.code,
  kind: row.kind,
  value: row.value,
  minSubtotalCents: row.minSubtotalCents,
  startsAt: row.startsAt?.toISOString() ?? null,
  endsAt: row.endsAt?.toISOString() ?? null,
  usageLimit: row.usageLimit,
  perCustomerLimit: row.perCustomerLimit,
  productIds: row.productIds,
  categoryIds: row.categoryIds,
  isActive: row.isActive,
  timesUsed: row.timesUsed,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const codeTaken = (code: string) =>
  new AppError('COUPON_CODE_TAKEN', `Another coupon already has the code ${code} (codes are case-insensitive)`, { field: 'code' });

const toDate = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

/** The columns an input sets; fields left out stay as they are. */
function couponValues(input: Partial<CouponInput>) {
  const values = {
    code: input.code,
    kind: input.kind,
    value: input.value,
    minSubtotalCents: input.minSubtotalCents,
    startsAt: toDate(input.startsAt),
    endsAt: toDate(input.endsAt),
    usageLimit: input.usageLimit,
    perCustomerLimit: input.perCustomerLimit,
    productIds: input.productIds ? [...new Set(input.productIds)] : undefined,
    categoryIds: input.categoryIds ? [...new Set(input.categoryIds)] : undefined,
    isActive: input.isActive,
  };
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<typeof coupons.$inferInsert>;
}

/** Checks the rules a row must keep whatever was changed: a percent in 1–100, a window that ends after it starts, a limit not below the uses made. */
function checkCoupon(row: Pick<CouponRow, 'kind' | 'value' | 'startsAt' | 'endsAt' | 'usageLimit' | 'timesUsed'>) {
  if (row.kind === 'percent' && row.value > 100) throw new AppError('BAD_REQUEST', 'value: a percent coupon takes 1 to 100', { field: 'value' });
  if (row.startsAt && row.endsAt && row.startsAt >= row.endsAt) throw new AppError('BAD_REQUEST', 'endsAt must come after startsAt', { field: 'endsAt' });
  if (row.usageLimit !== null && row.usageLimit < row.timesUsed) {
    throw new AppError('BAD_REQUEST', `usageLimit: the coupon was already used ${row.timesUsed} times`, { field: 'usageLimit' });
  }
}

export async function listCoupons(deps: Deps): Promise<{ items: CouponDto[] }> {
  const rows = await deps.db.select().from(coupons).orderBy(asc(coupons.code));
  return { items: rows.map(toCouponDto) };
}

/** The orders that carry a coupon now (a cancelled unpaid order gave its use back), newest first. */
export async function listCouponRedemptions(deps: Deps, input: CouponRedemptionsInput): Promise<Page<CouponRedemptionDto>> {
  const [coupon] = await deps.db.select({ id: coupons.id }).from(coupons).where(eq(coupons.id, input.id));
  if (!coupon) throw notFound('Coupon');
  const ofCoupon = eq(couponRedemptions.couponId, input.id);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select({ redemption: couponRedemptions, order: orders, user: { id: users.id, email: users.email, name: users.name } })
      .from(couponRedemptions)
      .innerJoin(orders, eq(orders.id, couponRedemptions.orderId))
      .innerJoin(users, eq(users.id, couponRedemptions.userId))
      .where(ofCoupon)
      .orderBy(desc(couponRedemptions.id))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    deps.db.select({ n: count() }).from(couponRedemptions).where(ofCoupon),
  ]);
  const items = rows.map(({ redemption, order, user }) => ({
    orderId: order.id,
    status: order.status,
    customer: user,
    discountCents: order.discountCents,
    totalCents: order.totalCents,
    currency: order.currency,
    redeemedAt: redemption.createdAt.toISOString(),
  }));
  return pageOf(items, input.page, input.limit, total?.n ?? 0);
}

export async function createCoupon(deps: Deps, actor: Actor, input: CouponInput): Promise<CouponDto> {
  try {
    return await transaction(deps, async (tx) => {
      const [row] = await tx.insert(coupons).values({ ...couponValues(input), code: input.code, kind: input.kind, value: input.value }).returning();
      await recordChange(deps, tx, { actor, entity: 'coupon', id: row!.id, action: 'create', before: null, after: row! });
      return toCouponDto(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'coupons_code_unique')) throw codeTaken(input.code);
    throw error;
  }
}

export async function updateCoupon(deps: Deps, actor: Actor, input: UpdateCouponInput): Promise<CouponDto> {
  const { id, ...changes } = input;
  try {
    return await transaction(deps, async (tx) => {
      const [current] = await tx.select().from(coupons).where(eq(coupons.id, id)).for('update');
      if (!current) throw notFound('Coupon');
      const values = couponValues(changes);
      checkCoupon({ ...current, ...values } as CouponRow);
      const [row] = await tx
        .update(coupons)
        .set({ ...values, updatedAt: sql`now()` })
        .where(eq(coupons.id, id))
        .returning();
      await recordChange(deps, tx, { actor, entity: 'coupon', id, action: 'update', before: current, after: row! });
      return toCouponDto(row!);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'coupons_code_unique')) throw codeTaken(changes.code ?? '');
    throw error;
  }
}

/** Orders that used the coupon keep its code and their discount; only the coupon goes. */
export async function deleteCoupon(deps: Deps, actor: Actor, id: number): Promise<CouponDto> {
  return transaction(deps, async (tx) => {
    const [deleted] = await tx.delete(coupons).where(eq(coupons.id, id)).returning();
    if (!deleted) throw notFound('Coupon');
    await recordChange(deps, tx, { actor, entity: 'coupon', id, action: 'delete', before: deleted, after: null });
    return toCouponDto(deleted);
  });
}

export async function couponByCode(db: Db, code: string): Promise<CouponRow | undefined> {
  const [row] = await db.select().from(coupons).where(eq(coupons.code, code.toUpperCase()));
  return row;
}

/**
 * Why a coupon cannot apply to these lines now (a `coupon_invalid` message), or null when it
 * can: switched off, outside its window (by the injectable clock), under its minimum, or
 * naming nothing being bought. Usage limits are checked when it is redeemed.
 */
export function couponProblem(coupon: CouponRow, { lines, now }: { lines: readonly PricingLine[]; now: Date }): string | null {
  if (!coupon.isActive) return `Coupon ${coupon.code} is not active`;
  if (coupon.startsAt && now < coupon.startsAt) return `Coupon ${coupon.code} is not valid before ${coupon.startsAt.toISOString()}`;
  if (coupon.endsAt && now >= coupon.endsAt) return `Coupon ${coupon.code} expired at ${coupon.endsAt.toISOString()}`;
  const subtotal = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);
  if (coupon.minSubtotalCents !== null && subtotal < coupon.minSubtotalCents) {
    return `Coupon ${coupon.code} needs a subtotal of at least ${coupon.minSubtotalCents} (this is ${subtotal})`;
  }
  if (!lines.some((line) => couponCovers(coupon, line))) return `Coupon ${coupon.code} applies to nothing being bought`;
  return null;
}

export const couponInvalid = (message: string) => new AppError('COUPON_INVALID', message, { field: 'couponCode' });

const exhausted = (code: string, why: string) => new AppError('COUPON_EXHAUSTED', `Coupon ${code} ${why}`, { field: 'couponCode' });

/** Whether the coupon has uses left, for a cart that takes it (a redemption checks again). */
export function checkCouponLeft(coupon: CouponRow): void {
  if (coupon.usageLimit !== null && coupon.timesUsed >= coupon.usageLimit) throw exhausted(coupon.code, 'has been used up');
}

/**
 * Records the coupon's use by an order, inside the order's transaction. The conditional update
 * raises the count only while it is under the limit, and holds the coupon's row lock until the
 * transaction ends: concurrent orders, in any number of processes, take uses one after another,
 * and each one re-reads the count after the lock is released (the update's `where` is checked
 * again), so no more than `usageLimit` are ever taken. The per-customer count is read under
 * that lock too, from a snapshot taken after it was granted.
 */
export async function redeemCoupon(tx: Transaction, { coupon, orderId, userId }: { coupon: CouponRow; orderId: number; userId: number }) {
  const [taken] = await tx
    .update(coupons)
    .set({ timesUsed: sql`${coupons.timesUsed} + 1` })
    .where(and(eq(coupons.id, coupon.id), or(isNull(coupons.usageLimit), lt(coupons.timesUsed, coupons.usageLimit))))
    .returning({ id: coupons.id });
  if (!taken) throw exhausted(coupon.code, 'has been used up');
  if (coupon.perCustomerLimit !== null) {
    const [mine] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(couponRedemptions)
      .where(and(eq(couponRedemptions.couponId, coupon.id), eq(couponRedemptions.userId, userId)));
    if (Number(mine?.n ?? 0) >= coupon.perCustomerLimit) {
      throw exhausted(coupon.code, `may be used ${coupon.perCustomerLimit} time(s) per customer, and you have used it up`);
    }
  }
  await tx.insert(couponRedemptions).values({ couponId: coupon.id, orderId, userId });
}

/** Gives an order's coupon use back (its unpaid order was cancelled or expired). */
export async function releaseCoupon(tx: Transaction, orderId: number): Promise<void> {
  const [released] = await tx
    .delete(couponRedemptions)
    .where(eq(couponRedemptions.orderId, orderId))
    .returning({ couponId: couponRedemptions.couponId });
  if (!released) return;
  await tx
    .update(coupons)
    .set({ timesUsed: sql`greatest(${coupons.timesUsed} - 1, 0)` })
    .where(eq(coupons.id, released.couponId));
}

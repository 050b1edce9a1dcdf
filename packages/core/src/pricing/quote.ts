import { products, type Database, type ShippingAddress, type Transaction } from '@commerce/db';
import { inArray } from 'drizzle-orm';
import { AppError } from '../errors';
import { checkCouponLeft, couponByCode, couponInvalid, couponProblem, type CouponRow } from './coupons';
import { priceOrder, type PriceBreakdown, type PricingLine } from './price';
import { shippingMethodFor, type ShippingMethodRow } from './shipping';
import { taxRateFor } from './tax-rates';

type Db = Database | Transaction;

/** Postgres `integer`: order amounts are stored in one. */
const MAX_CENTS = 2_147_483_647;

export interface QuoteRequest {
  lines: ReadonlyArray<{ productId: number; lineTotalCents: number }>;
  couponCode?: string | null | undefined;
  destination?: ShippingAddress | null | undefined;
  shippingMethodId?: number | null | undefined;
  now: Date;
}

export interface Quote {
  breakdown: PriceBreakdown;
  /** The coupon applied, or null. */
  coupon: CouponRow | null;
  shippingMethod: ShippingMethodRow | null;
  /** A preview only: why the cart's coupon does not apply now (checkout would refuse it). */
  couponError: string | null;
}

/** Lines with their products' categories, when a coupon may be restricted to some. */
async function pricingLines(db: Db, lines: QuoteRequest['lines'], coupon: CouponRow | null): Promise<PricingLine[]> {
  const categoryOf = new Map<number, number | null>();
  if (coupon?.categoryIds.length && lines.length) {
    const ids = [...new Set(lines.map((line) => line.productId))];
    const rows = await db.select({ id: products.id, categoryId: products.categoryId }).from(products).where(inArray(products.id, ids));
    for (const row of rows) categoryOf.set(row.id, row.categoryId);
  }
  return lines.map((line) => ({ productId: line.productId, categoryId: categoryOf.get(line.productId) ?? null, lineTotalCents: line.lineTotalCents }));
}

/**
 * Reads what the pricing function needs (the coupon, the shipping method, the tax rate for the
 * destination) and prices the lines: the one way the cart's preview and a new order are priced.
 *
 * `mode: 'order'` refuses what cannot be charged: an unknown, inactive, expired or inapplicable
 * coupon (400 `coupon_invalid`), one used up (409 `coupon_exhausted`, checked again when
 * redeemed), a missing or unfit shipping method, a total past what an order can hold.
 * `mode: 'preview'` (the cart) prices without the coupon or method that does not fit, and says why.
 */
export async function quote(db: Db, request: QuoteRequest, mode: 'order' | 'preview'): Promise<Quote> {
  let couponError: string | null = null;
  let coupon: CouponRow | null = null;
  if (request.couponCode) {
    coupon = (await couponByCode(db, request.couponCode)) ?? null;
    if (!coupon) couponError = `No coupon has the code ${request.couponCode.toUpperCase()}`;
  }
  const lines = await pricingLines(db, request.lines, coupon);
  if (coupon) couponError = couponProblem(coupon, { lines, now: request.now });
  if (couponError !== null) {
    if (mode === 'order') throw couponInvalid(couponError);
    coupon = null;
  }
  if (coupon && mode === 'order') checkCouponLeft(coupon);

  const destination = request.destination ?? null;
  if (!destination && request.shippingMethodId != null && mode === 'order') {
    throw new AppError('BAD_REQUEST', 'shippingMethodId needs a shippingAddress to ship to', { field: 'shippingMethodId' });
  }
  // The method and the tax rate are read together (pipelined in a transaction).
  const [shippingMethod, taxRate] = destination
    ? await Promise.all([
        shippingMethodFor(db, { country: destination.country, shippingMethodId: request.shippingMethodId }).catch((error: unknown) => {
          if (mode === 'order' || !(error instanceof AppError)) throw error;
          return null;
        }),
        taxRateFor(db, destination),
      ])
    : [null, null];

  const breakdown = priceOrder({ lines, coupon, shipping: shippingMethod, taxRate });
  if (mode === 'order' && breakdown.totalCents > MAX_CENTS) {
    throw new AppError('ORDER_TOO_LARGE', 'items: the order total is too large; split it into smaller orders', { field: 'items' });
  }
  return { breakdown, coupon, shippingMethod, couponError };
}

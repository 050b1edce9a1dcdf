/**
 * The one pricing function: what an order (or a cart's preview of one) costs. Pure and in
 * integer minor units; the cart and order creation both call it, so a preview and the order it
 * becomes agree to the cent.
 *
 * Rules (README "How totals are computed" says the same):
 * 1. subtotal = Σ line totals (unit price × quantity).
 * 2. A coupon applies to its eligible lines: all of them, or those whose product or category it
 *    names. Base = Σ eligible line totals. Percent: discount = base × percent / 100 rounded
 *    half-up; fixed: discount = min(value, base). So the discount never exceeds what it applies to.
 * 3. The discount is spread over the eligible lines in proportion to their totals, each share
 *    rounded down, the cents left over going one each to the lines with the largest remainders
 *    (earlier lines first on ties): shares add up to the discount and none exceeds its line.
 * 4. Shipping = the method's price, or 0 when subtotal − discount reaches its `freeOverCents`.
 * 5. Tax is per line, on the line's total after its discount share, rounded half-up; plus, when
 *    the rate includes shipping, tax on the shipping (also half-up). Order tax = their sum.
 * 6. total = subtotal − discount + shipping + tax, never negative.
 */

export interface PricingLine {
  productId: number;
  categoryId: number | null;
  lineTotalCents: number;
}

export interface PricingCoupon {
  kind: 'percent' | 'fixed';
  /** Percent (1–100) or minor units. */
  value: number;
  /** Empty: every product qualifies. */
  productIds: readonly number[];
  categoryIds: readonly number[];
}

export interface PricingShipping {
  priceCents: number;
  freeOverCents: number | null;
}

export interface PricingTaxRate {
  /** Thousandths of a percent: 8.875 % is 8875. */
  rateMillipercent: number;
  includesShipping: boolean;
}

export interface PricingInput {
  lines: readonly PricingLine[];
  coupon?: PricingCoupon | null | undefined;
  shipping?: PricingShipping | null | undefined;
  taxRate?: PricingTaxRate | null | undefined;
}

export interface PricedLineShare {
  /** This line's share of the discount. */
  discountCents: number;
  /** Tax on the line after its discount. */
  taxCents: number;
}

export interface PriceBreakdown {
  lines: PricedLineShare[];
  subtotalCents: number;
  /** What the coupon's eligible lines add up to (0 without a coupon). */
  discountBaseCents: number;
  discountCents: number;
  shippingCents: number;
  /** Tax on the shipping (part of taxCents). */
  shippingTaxCents: number;
  taxCents: number;
  totalCents: number;
}

/** round(n / d) with halves up, for n ≥ 0 and d > 0. */
const divideHalfUp = (n: bigint, d: bigint): bigint => (2n * n + d) / (2n * d);

/** Tax of `amount` at a rate in thousandths of a percent, rounded half-up. */
export const taxOf = (amountCents: number, rateMillipercent: number): number =>
  Number(divideHalfUp(BigInt(amountCents) * BigInt(rateMillipercent), 100_000n));

/** Whether a line is one the coupon applies to. */
export function couponCovers(coupon: Pick<PricingCoupon, 'productIds' | 'categoryIds'>, line: Pick<PricingLine, 'productId' | 'categoryId'>): boolean {
  if (coupon.productIds.length === 0 && coupon.categoryIds.length === 0) return true;
  return coupon.productIds.includes(line.productId) || (line.categoryId !== null && coupon.categoryIds.includes(line.categoryId));
}

/** Splits `amount` (≤ Σ weights) over `weights` in proportion, by largest remainder; shares add up to `amount`. */
export function spread(amount: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + BigInt(w), 0n);
  if (total === 0n || amount === 0) return weights.map(() => 0);
  const exact = weights.map((w) => BigInt(amount) * BigInt(w));
  const shares = exact.map((e) => e / total);
  let left = BigInt(amount) - shares.reduce((sum, s) => sum + s, 0n);
  const byRemainder = exact
    .map((e, index) => ({ index, remainder: e % total }))
    .filter(({ remainder }) => remainder > 0n)
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (left === 0n) break;
    shares[index]! += 1n;
    left -= 1n;
  }
  return shares.map(Number);
}

export function priceOrder(input: PricingInput): PriceBreakdown {
  const { lines, coupon, shipping, taxRate } = input;
  const subtotalCents = lines.reduce((sum, line) => sum + line.lineTotalCents, 0);

  const eligible = lines.map((line) => (coupon && couponCovers(coupon, line) ? line.lineTotalCents : 0));
  const discountBaseCents = coupon ? eligible.reduce((sum, cents) => sum + cents, 0) : 0;
  let discountCents = 0;
  if (coupon?.kind === 'percent') discountCents = Number(divideHalfUp(BigInt(discountBaseCents) * BigInt(coupon.value), 100n));
  if (coupon?.kind === 'fixed') discountCents = Math.min(coupon.value, discountBaseCents);
  discountCents = Math.min(discountCents, discountBaseCents);
  const shares = spread(discountCents, eligible);

  const afterDiscount = subtotalCents - discountCents;
  const shippingCents =
    !shipping || (shipping.freeOverCents !== null && afterDiscount >= shipping.freeOverCents) ? 0 : shipping.priceCents;

  const rate = taxRate?.rateMillipercent ?? 0;
  const priced = lines.map((line, i) => {
    const discount = shares[i]!;
    return { discountCents: discount, taxCents: taxOf(line.lineTotalCents - discount, rate) };
  });
  const shippingTaxCents = taxRate?.includesShipping ? taxOf(shippingCents, rate) : 0;
  const taxCents = priced.reduce((sum, line) => sum + line.taxCents, 0) + shippingTaxCents;

  return {
    lines: priced,
    subtotalCents,
    discountBaseCents,
    discountCents,
    shippingCents,
    shippingTaxCents,
    taxCents,
    totalCents: afterDiscount + shippingCents + taxCents,
  };
}

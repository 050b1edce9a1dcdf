import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { couponCovers, priceOrder, spread, taxOf, type PricingInput } from './price';

const cents = fc.integer({ min: 0, max: 5_000_000 });
const line = fc.record({
  productId: fc.integer({ min: 1, max: 6 }),
  categoryId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
  lineTotalCents: cents,
});
const coupon = fc.oneof(
  fc.record({
    kind: fc.constant('percent' as const),
    value: fc.integer({ min: 1, max: 100 }),
    productIds: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
    categoryIds: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('fixed' as const),
    value: fc.integer({ min: 1, max: 10_000_000 }),
    productIds: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }),
    categoryIds: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
  }),
);
const pricingInput: fc.Arbitrary<PricingInput> = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 20 }),
  coupon: fc.option(coupon, { nil: null }),
  shipping: fc.option(fc.record({ priceCents: cents, freeOverCents: fc.option(cents, { nil: null }) }), { nil: null }),
  taxRate: fc.option(fc.record({ rateMillipercent: fc.integer({ min: 0, max: 100_000 }), includesShipping: fc.boolean() }), { nil: null }),
});

describe('priceOrder (properties)', () => {
  it('never answers a negative total, and the total adds up from its parts', () => {
    fc.assert(
      fc.property(pricingInput, (input) => {
        const p = priceOrder(input);
        expect(p.totalCents).toBeGreaterThanOrEqual(0);
        expect(p.totalCents).toBe(p.subtotalCents - p.discountCents + p.shippingCents + p.taxCents);
        for (const part of [p.subtotalCents, p.discountCents, p.shippingCents, p.taxCents]) expect(Number.isSafeInteger(part) && part >= 0).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never discounts more than the lines the coupon applies to, nor any line more than its total', () => {
    fc.assert(
      fc.property(pricingInput, (input) => {
        const p = priceOrder(input);
        const eligible = input.lines.filter((l) => input.coupon && couponCovers(input.coupon, l)).reduce((s, l) => s + l.lineTotalCents, 0);
        expect(p.discountBaseCents).toBe(eligible);
        expect(p.discountCents).toBeLessThanOrEqual(eligible);
        p.lines.forEach((share, i) => {
          const l = input.lines[i]!;
          expect(share.discountCents).toBeGreaterThanOrEqual(0);
          expect(share.discountCents).toBeLessThanOrEqual(l.lineTotalCents);
          if (!input.coupon || !couponCovers(input.coupon, l)) expect(share.discountCents).toBe(0);
        });
        expect(p.lines.reduce((s, l) => s + l.discountCents, 0)).toBe(p.discountCents);
      }),
      { numRuns: 500 },
    );
  });

  it('has line taxes (plus the shipping tax) add up to the order tax, each half-up on the discounted line', () => {
    fc.assert(
      fc.property(pricingInput, (input) => {
        const p = priceOrder(input);
        expect(p.lines.reduce((s, l) => s + l.taxCents, 0) + p.shippingTaxCents).toBe(p.taxCents);
        const rate = input.taxRate?.rateMillipercent ?? 0;
        p.lines.forEach((share, i) => expect(share.taxCents).toBe(taxOf(input.lines[i]!.lineTotalCents - share.discountCents, rate)));
        if (!input.taxRate?.includesShipping) expect(p.shippingTaxCents).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads any amount up to the weights exactly, no share above its weight', () => {
    fc.assert(
      fc.property(fc.array(cents, { minLength: 1, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (weights, fraction) => {
        const amount = Math.floor(weights.reduce((s, w) => s + w, 0) * fraction);
        const shares = spread(amount, weights);
        expect(shares.reduce((s, x) => s + x, 0)).toBe(amount);
        shares.forEach((share, i) => expect(share >= 0 && share <= weights[i]!).toBe(true));
      }),
    );
  });
});

describe('priceOrder (examples)', () => {
  const lines = [
    { productId: 1, categoryId: 1, lineTotalCents: 1000 },
    { productId: 2, categoryId: 2, lineTotalCents: 2000 },
  ];

  it('rounds tax half-up per line: 8.875 % of 1000 is 88.75 → 89, of 2000 is 177.5 → 178', () => {
    const p = priceOrder({ lines, taxRate: { rateMillipercent: 8875, includesShipping: false } });
    expect(p.lines.map((l) => l.taxCents)).toEqual([89, 178]);
    expect(p).toMatchObject({ subtotalCents: 3000, discountCents: 0, taxCents: 267, totalCents: 3267 });
  });

  it('spreads a fixed discount in proportion and taxes what is left of each line', () => {
    const p = priceOrder({ lines, coupon: { kind: 'fixed', value: 1000, productIds: [], categoryIds: [] }, taxRate: { rateMillipercent: 10_000, includesShipping: false } });
    // 1000 × 1000/3000 = 333.3, 1000 × 2000/3000 = 666.6: the left-over cent goes to the larger remainder.
    expect(p.lines).toEqual([
      { discountCents: 333, taxCents: 67 },
      { discountCents: 667, taxCents: 133 },
    ]);
    expect(p).toMatchObject({ discountCents: 1000, taxCents: 200, totalCents: 2200 });
  });

  it('limits a discount to the lines it names, and a fixed one to what they cost', () => {
    const p = priceOrder({ lines, coupon: { kind: 'fixed', value: 5000, productIds: [], categoryIds: [1] } });
    expect(p.lines.map((l) => l.discountCents)).toEqual([1000, 0]);
    expect(p.totalCents).toBe(2000);
    const pct = priceOrder({ lines, coupon: { kind: 'percent', value: 15, productIds: [2], categoryIds: [] } });
    expect(pct.discountCents).toBe(300);
  });

  it('rounds a percent discount half-up: 25 % of 1002 is 250.5 → 251', () => {
    const p = priceOrder({ lines: [{ productId: 1, categoryId: null, lineTotalCents: 1002 }], coupon: { kind: 'percent', value: 25, productIds: [], categoryIds: [] } });
    expect(p.discountCents).toBe(251);
  });

  it('ships free once what is paid for the goods reaches the threshold, and taxes shipping only when the rate says so', () => {
    const shipping = { priceCents: 500, freeOverCents: 3000 };
    expect(priceOrder({ lines, shipping }).shippingCents).toBe(0);
    const discounted = priceOrder({ lines, shipping, coupon: { kind: 'fixed', value: 1, productIds: [], categoryIds: [] } });
    expect(discounted.shippingCents).toBe(500);
    const taxed = priceOrder({ lines, shipping: { priceCents: 500, freeOverCents: null }, taxRate: { rateMillipercent: 20_000, includesShipping: true } });
    expect(taxed).toMatchObject({ shippingCents: 500, shippingTaxCents: 100, taxCents: 700, totalCents: 4200 });
  });
});

import { createProductInput, MAX_OPTION_VALUES, updateVariantInput } from '@commerce/core/schemas';
import { describe, expect, it } from 'vitest';
import { validate } from './forms';
import {
  addValues,
  combinations,
  comboTitle,
  createVariants,
  duplicateSkus,
  optionDrafts,
  optionsChanged,
  planVariants,
  splitValues,
  variantRows,
  type OptionDraft,
  type Product,
  type Variant,
} from './variants';

let nextId = 100;
function variant(optionValues: Record<string, string>, overrides: Partial<Variant> = {}): Variant {
  nextId += 1;
  return {
    id: nextId,
    productId: 1,
    sku: null,
    title: Object.values(optionValues).join(' / ') || 'Default',
    optionValues,
    priceCents: 2000,
    stock: 3,
    isActive: true,
    lowStockThreshold: null,
    images: [],
    ...overrides,
  };
}

function product(options: { name: string; values: string[] }[], variants: Variant[]): Product {
  return {
    id: 1,
    slug: 'tee',
    name: 'Tee',
    description: '',
    priceCents: 2000,
    currency: 'USD',
    stock: 0,
    isActive: true,
    categoryId: null,
    sku: null,
    images: [],
    options,
    variants,
    rating: { average: null, count: 0 },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const draft = (name: string, values: string[], id = `new-${name}`): OptionDraft => ({ id, name, values });

describe('option values as typed', () => {
  it('splits "S, M, L", trimming, dropping empties and repeats in any case', () => {
    expect(splitValues(' S, M ,, m, L ')).toEqual(['S', 'M', 'L']);
    expect(addValues(['Black'], 'white, BLACK')).toEqual(['Black', 'white']);
  });

  it("stops at the router's maximum of values", () => {
    const many = Array.from({ length: MAX_OPTION_VALUES + 5 }, (_, i) => `V${i}`).join(',');
    expect(splitValues(many)).toHaveLength(MAX_OPTION_VALUES);
  });
});

describe('the variant matrix', () => {
  it('makes every combination in the options’ order, titled as the server titles them', () => {
    const options = [
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Color', values: ['Black', 'White'] },
    ];
    const combos = combinations(options);
    expect(combos.map((c) => comboTitle(options, c))).toEqual(['S / Black', 'S / White', 'M / Black', 'M / White']);
    expect(combinations([])).toEqual([{}]);
  });

  it('sells every combination of a new product at the price typed, and ignores options without a name or values', () => {
    const rows = variantRows({ options: [draft('Size', ['S', 'M']), draft('', ['x']), draft('Color', [])], edits: {}, defaultPrice: '19.99' });
    expect(rows.map((r) => [r.title, r.price, r.stock, r.included])).toEqual([
      ['S', '19.99', '0', true],
      ['M', '19.99', '0', true],
    ]);
    const edited = variantRows({ options: [draft('Size', ['S', 'M'])], edits: { [rows[1]!.key]: { price: '21', included: false } }, defaultPrice: '19.99' });
    const { rows: sold, variants } = createVariants(edited);
    expect(sold.map((r) => r.title)).toEqual(['S']);
    expect(variants).toEqual([{ optionValues: { Size: 'S' }, priceCents: 1999, stock: 0, sku: null, isActive: true }]);
    expect(validate(createProductInput, { name: 'Tee', options: [{ name: 'Size', values: ['S', 'M'] }], variants }).errors).toBeNull();
  });

  it('finds an existing product’s variants; a value added now is sold, a combination it stopped selling is offered back', () => {
    const s = variant({ Size: 'S' }, { priceCents: 1500, sku: 'TEE-S' });
    const tee = product([{ name: 'Size', values: ['S', 'M'] }], [s]);
    const rows = variantRows({ options: [draft('Size', ['S', 'M', 'L'], 'saved-0')], product: tee, edits: {}, defaultPrice: '15.00' });
    expect(rows.map((r) => [r.title, r.variant?.id, r.price, r.sku, r.included])).toEqual([
      ['S', s.id, '15.00', 'TEE-S', true],
      ['M', undefined, '15.00', '', false],
      ['L', undefined, '15.00', '', true],
    ]);
  });

  it('puts the variants of a product without options at the first value of a new option', () => {
    const only = variant({}, { sku: 'MUG' });
    const mug = product([], [only]);
    const rows = variantRows({ options: [draft('Size', ['Small', 'Large'])], product: mug, edits: {}, defaultPrice: '20.00' });
    expect(rows.map((r) => [r.title, r.variant?.id, r.included])).toEqual([
      ['Small', only.id, true],
      ['Large', undefined, true],
    ]);
  });

  it('names rows whose SKU another row of the form has', () => {
    const rows = variantRows({ options: [draft('Size', ['S', 'M', 'L'])], edits: {}, defaultPrice: '1' });
    rows[0]!.sku = 'tee-1';
    rows[2]!.sku = 'TEE-1 ';
    rows[1]!.sku = 'TEE-2';
    expect(duplicateSkus(rows)).toEqual({ [rows[0]!.key]: 'L has the same SKU.', [rows[2]!.key]: 'S has the same SKU.' });
  });
});

describe('saving an existing product', () => {
  const s = variant({ Size: 'S' }, { priceCents: 1500, stock: 2 });
  const m = variant({ Size: 'M' }, { priceCents: 1500, stock: 4 });
  const tee = product([{ name: 'Size', values: ['S', 'M'] }], [s, m]);
  const rowsFor = (options: OptionDraft[], edits = {}) => variantRows({ options, product: tee, edits, defaultPrice: '15.00' });

  it('asks nothing when nothing changed', () => {
    const options = optionDrafts(tee);
    const plan = planVariants(tee, options, rowsFor(options));
    expect(optionsChanged(tee, options)).toBe(false);
    expect(plan).toMatchObject({ creates: [], updates: [], archives: [] });
    expect(plan.final).toBeUndefined();
  });

  it('sends only the fields that changed, each as the router takes it', () => {
    const options = optionDrafts(tee);
    const rows = rowsFor(options);
    const plan = planVariants(tee, options, rowsFor(options, { [rows[1]!.key]: { price: '17.50', isActive: false } }));
    expect(plan.updates.map((u) => [u.row.variant!.id, u.input])).toEqual([[m.id, { priceCents: 1750, isActive: false }]]);
    expect(validate(updateVariantInput, plan.updates[0]!.input).errors).toBeNull();
  });

  it('widens the options before creating the variants of a new value', () => {
    const options = [draft('Size', ['S', 'M', 'L'], 'saved-0')];
    const plan = planVariants(tee, options, rowsFor(options));
    expect(optionsChanged(tee, options)).toBe(true);
    expect(plan.widened).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
    expect(plan.final).toBeUndefined();
    expect(plan.creates.map((c) => c.input)).toEqual([{ optionValues: { Size: 'L' }, priceCents: 1500, stock: 0, sku: null, isActive: true }]);
  });

  it('archives the variants of a removed value before the options lose it', () => {
    const options = [draft('Size', ['M', 'L'], 'saved-0')];
    const plan = planVariants(tee, options, rowsFor(options));
    expect(plan.widened).toEqual([{ name: 'Size', values: ['M', 'L', 'S'] }]);
    expect(plan.final).toEqual([{ name: 'Size', values: ['M', 'L'] }]);
    expect(plan.archives.map((a) => [a.variant.id, a.row])).toEqual([[s.id, undefined]]);
    expect(plan.creates).toHaveLength(1);
  });

  it('archives a row taken off sale', () => {
    const options = optionDrafts(tee);
    const rows = rowsFor(options);
    const plan = planVariants(tee, options, rowsFor(options, { [rows[0]!.key]: { included: false } }));
    expect(plan.archives.map((a) => [a.variant.id, a.row?.title])).toEqual([[s.id, 'S']]);
    expect(plan.updates).toEqual([]);
  });
});

describe("the routers' messages in plain words", () => {
  it('says what is missing or wrong instead of zod’s wording', () => {
    const result = validate(createProductInput, { name: ' ', priceCents: 100, stock: 1.5 });
    expect(result.errors).toEqual({ name: 'Required', stock: 'Enter a whole number' });
    const options = validate(createProductInput, { name: 'Tee', options: [{ name: 'Size', values: [] }], variants: [{ priceCents: 1 }] });
    expect(options.errors?.['options.0.values']).toBe('Add at least one');
  });
});

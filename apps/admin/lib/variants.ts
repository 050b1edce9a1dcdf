import { MAX_OPTION_VALUES, type productOptionsInput } from '@commerce/core/schemas';
import type { z } from 'zod';
import { centsFromInput, centsToInput } from './format';
import type { RouterInputs, RouterOutputs } from './trpc';

// The options and variants editor's plain logic: options as typed, the variant matrix they make,
// and what saving must ask of the server. No React here, so vitest covers it directly.

export type Product = RouterOutputs['products']['byId'];
export type Variant = Product['variants'][number];
type ProductOption = z.input<typeof productOptionsInput>[number];
type CreateProduct = RouterInputs['products']['create'];
type CreateVariant = RouterInputs['variants']['create'];
type UpdateVariant = RouterInputs['variants']['update'];

/** An option as the form holds it; `id` only keys the React list. */
export interface OptionDraft {
  id: string;
  name: string;
  values: string[];
}

/** What the owner typed in a variant's row, as text; the row's defaults fill what was not touched. */
export interface RowFields {
  price: string;
  stock: string;
  sku: string;
  isActive: boolean;
  /** Sold at all: a new row is created, an existing one archived when false. */
  included: boolean;
}

export interface VariantRow extends RowFields {
  key: string;
  title: string;
  optionValues: Record<string, string>;
  /** The live variant this row stands for; none for a combination not sold yet. */
  variant?: Variant;
}

const sameText = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Values typed or pasted as "S, M, L": trimmed, empties dropped, each once (case aside). */
export function splitValues(text: string): string[] {
  return addValues([], text);
}

/** `values` with those of `text` added after them, skipping ones already there, up to the router's maximum. */
export function addValues(values: readonly string[], text: string): string[] {
  const out = [...values];
  for (const part of text.split(',')) {
    const value = part.trim();
    if (value && !out.some((v) => sameText(v, value)) && out.length < MAX_OPTION_VALUES) out.push(value);
  }
  return out;
}

/** Options that make variants: named, with at least one value. */
export const usableOptions = (options: readonly OptionDraft[]) =>
  options.filter((o) => o.name.trim() !== '' && o.values.length > 0).map((o) => ({ name: o.name.trim(), values: o.values }));

/** Every combination of the options' values, in the options' order (S/Black, S/White, M/Black…). */
export function combinations(options: readonly ProductOption[]): Record<string, string>[] {
  return options.reduce<Record<string, string>[]>(
    (combos, option) => combos.flatMap((combo) => option.values.map((value) => ({ ...combo, [option.name]: value }))),
    [{}],
  );
}

/** One string per combination, independent of the order of the object's keys. */
export const comboKey = (options: readonly ProductOption[], values: Record<string, string>) =>
  JSON.stringify(options.map((o) => values[o.name] ?? ''));

/** "M / Black", as the server titles variants; "Default" without options. */
export const comboTitle = (options: readonly ProductOption[], values: Record<string, string>) =>
  options.length ? options.map((o) => values[o.name]).join(' / ') : 'Default';

/**
 * Where an existing variant sits once the product has `options`: an option it has no value for
 * yet (one added to the product since) takes that option's first value, as the server does.
 */
function placedValues(variant: Variant, options: readonly ProductOption[]): Record<string, string> {
  return Object.fromEntries(options.map((o) => [o.name, variant.optionValues[o.name] ?? o.values[0] ?? '']));
}

/**
 * The rows of the variant table: one per combination, with the live variant that sells it. A
 * combination new to the product (a value added just now) is sold by default; one the product
 * already had but does not sell (archived earlier) is offered to add back.
 */
export function variantRows(input: {
  options: readonly OptionDraft[];
  product?: Product;
  edits: Record<string, Partial<RowFields>>;
  defaultPrice: string;
}): VariantRow[] {
  const options = usableOptions(input.options);
  const saved = input.product?.options ?? [];
  const isSavedValue = (name: string, value: string) => saved.some((o) => o.name === name && o.values.includes(value));
  const byKey = new Map((input.product?.variants ?? []).map((v) => [comboKey(options, placedValues(v, options)), v]));
  return combinations(options).map((optionValues) => {
    const key = comboKey(options, optionValues);
    const variant = byKey.get(key);
    const defaults: RowFields = variant
      ? { price: centsToInput(variant.priceCents), stock: String(variant.stock), sku: variant.sku ?? '', isActive: variant.isActive, included: true }
      : {
          price: input.defaultPrice,
          stock: '0',
          sku: '',
          isActive: true,
          included: !input.product || Object.entries(optionValues).some(([name, value]) => !isSavedValue(name, value)),
        };
    return { key, title: comboTitle(options, optionValues), optionValues, ...(variant && { variant }), ...defaults, ...input.edits[key] };
  });
}

/** Rows whose sku another row of the form also has: a plain sentence each, before asking the server. */
export function duplicateSkus(rows: readonly VariantRow[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const sold = rows.filter((r) => r.included && r.sku.trim() !== '');
  for (const row of sold) {
    const other = sold.find((r) => r !== row && sameText(r.sku, row.sku));
    if (other) errors[row.key] = `${other.title} has the same SKU.`;
  }
  return errors;
}

/** A row's numbers as the routers take them; NaN where the text is not a number. */
function rowNumbers(row: VariantRow) {
  return {
    priceCents: centsFromInput(row.price),
    stock: row.stock.trim() === '' ? 0 : Number(row.stock),
    sku: row.sku.trim() === '' ? null : row.sku.trim(),
  };
}

/** The variants of a new product, in table order, for `products.create` (the rows they came from beside them). */
export function createVariants(rows: readonly VariantRow[]): { rows: VariantRow[]; variants: NonNullable<CreateProduct['variants']> } {
  const sold = rows.filter((r) => r.included);
  return {
    rows: sold,
    variants: sold.map((row) => ({ optionValues: row.optionValues, ...rowNumbers(row), isActive: row.isActive })),
  };
}

/** What saving an existing product asks of the server, in an order that never strands a variant. */
export interface VariantPlan {
  /** The options while variants change: the new ones plus values still in use by variants about to go. */
  widened: ProductOption[];
  /** The options once every variant change is done, when they differ from `widened`. */
  final?: ProductOption[];
  creates: { row: VariantRow; input: Omit<CreateVariant, 'id'> }[];
  updates: { row: VariantRow; input: Omit<UpdateVariant, 'id' | 'variantId'> }[];
  /** Variants to archive: a row switched off, or a variant whose value was removed (no row then). */
  archives: { row?: VariantRow; variant: Variant }[];
}

export function planVariants(product: Product, options: readonly OptionDraft[], rows: readonly VariantRow[]): VariantPlan {
  const final = usableOptions(options);
  // Values being removed stay until the variants using them are archived.
  const widened = final.map((option) => {
    const saved = product.options.find((o) => o.name === option.name);
    const removed = saved?.values.filter((v) => !option.values.includes(v)) ?? [];
    return { name: option.name, values: [...option.values, ...removed] };
  });
  const removesValues = widened.some((o, i) => o.values.length !== final[i]!.values.length);
  const rowed = new Set(rows.flatMap((r) => (r.variant ? [r.variant.id] : [])));
  const plan: VariantPlan = {
    widened,
    ...(removesValues && { final }),
    creates: [],
    updates: [],
    archives: product.variants.filter((v) => !rowed.has(v.id)).map((variant) => ({ variant })),
  };
  for (const row of rows) {
    const numbers = rowNumbers(row);
    if (!row.variant) {
      if (row.included) plan.creates.push({ row, input: { optionValues: row.optionValues, ...numbers, isActive: row.isActive } });
      continue;
    }
    if (!row.included) {
      plan.archives.push({ row, variant: row.variant });
      continue;
    }
    const v = row.variant;
    const changes: Omit<UpdateVariant, 'id' | 'variantId'> = {
      ...(numbers.priceCents !== v.priceCents && { priceCents: numbers.priceCents }),
      ...(numbers.stock !== v.stock && { stock: numbers.stock }),
      ...(numbers.sku !== v.sku && { sku: numbers.sku }),
      ...(row.isActive !== v.isActive && { isActive: row.isActive }),
    };
    if (Object.keys(changes).length > 0) plan.updates.push({ row, input: changes });
  }
  return plan;
}

/** The options as the form starts them: the product's, or none for a new product. */
export const optionDrafts = (product?: Product): OptionDraft[] =>
  (product?.options ?? []).map((o, i) => ({ id: `saved-${i}`, name: o.name, values: [...o.values] }));

/** Whether the options differ from the product's (names, values or their order). */
export const optionsChanged = (product: Product, options: readonly OptionDraft[]) =>
  JSON.stringify(usableOptions(options)) !== JSON.stringify(product.options.map((o) => ({ name: o.name, values: o.values })));

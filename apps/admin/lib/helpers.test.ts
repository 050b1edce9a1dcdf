import { describe, expect, it } from 'vitest';
import { centsFromInput, change, money } from './format';
import { validate } from './forms';
import { flattenTree, type Category } from './use-categories';
import { createProductInput } from '@commerce/core/schemas';

const category = (id: number, name: string, parentId: number | null): Category => ({
  id,
  name,
  parentId,
  slug: name.toLowerCase(),
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('flattenTree', () => {
  it('walks the tree depth-first, children sorted by name, each with its path', () => {
    const flat = flattenTree([category(3, 'Women', 1), category(1, 'Apparel', null), category(2, 'Men', 1), category(4, 'Books', null)]);
    expect(flat.map((c) => [c.path, c.depth])).toEqual([
      ['Apparel', 0],
      ['Apparel › Men', 1],
      ['Apparel › Women', 1],
      ['Books', 0],
    ]);
  });
});

describe('money and amounts', () => {
  it('formats minor units in the currency', () => {
    expect(money(12900, 'USD')).toBe('$129.00');
    expect(money(500, 'JPY')).toBe('¥500');
  });

  it('reads a typed price into cents, refusing anything but a plain amount', () => {
    expect(centsFromInput('19.99')).toBe(1999);
    expect(centsFromInput(' 7 ')).toBe(700);
    expect(centsFromInput('0.1')).toBe(10);
    for (const bad of ['', '1,50', '-3', '1.999', 'abc']) expect(centsFromInput(bad)).toBeNaN();
  });

  it('compares with the period before, with nothing to compare against as null', () => {
    expect(change(150, 100)).toBe(50);
    expect(change(0, 0)).toBe(0);
    expect(change(5, 0)).toBeNull();
  });
});

describe('validate', () => {
  it("keys zod's first message per field, from the router's own schema", () => {
    const result = validate(createProductInput, { name: '', priceCents: -1, stock: 0 });
    expect(result.data).toBeNull();
    expect(Object.keys(result.errors ?? {}).sort()).toEqual(['name', 'priceCents']);
  });

  it('answers the parsed input with defaults applied', () => {
    const result = validate(createProductInput, { name: ' Mug ', priceCents: 900, stock: 3 });
    expect(result.data).toMatchObject({ name: 'Mug', isActive: true, description: '', images: [] });
  });
});

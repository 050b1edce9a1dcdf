'use client';

import { useState } from 'react';
import type { RowFields, Variant, VariantRow } from '@/lib/variants';
import { Badge, Button, cx, inputClass } from './ui';

/** Messages per row: by field (`priceCents`, `stock`, `sku`, `isActive`) and `row` for the rest. */
export type RowErrors = Record<string, Record<string, string>>;

const fieldOf = { price: 'priceCents', stock: 'stock', sku: 'sku' } as const;

function Cell({
  id,
  label,
  title,
  error,
  children,
  className,
}: {
  id: string;
  label: string;
  title: string;
  error?: string | undefined;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <div className={cx('min-w-0 space-y-1', className)}>
      <label htmlFor={id} className="block text-xs font-medium text-slate-700 sm:sr-only">
        {label}
        <span className="sr-only"> of {title}</span>
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The variant matrix: one row per combination of the options' values, each with its price,
 * stock, SKU and whether it is on sale. Rows a shop does not sell are kept, faded, to add back.
 */
export function VariantsTable({
  rows,
  currency,
  errors,
  leaving,
  onEdit,
  marksNew,
}: {
  /** Badge rows not sold yet ("New"): on an existing product only, where every row is not new. */
  marksNew: boolean;
  rows: VariantRow[];
  currency: string;
  errors: RowErrors;
  /** Variants whose values were removed: archived on save. */
  leaving: Variant[];
  onEdit: (key: string, change: Partial<RowFields>) => void;
}) {
  const [allPrice, setAllPrice] = useState('');
  const sold = rows.filter((r) => r.included);
  const input = (id: string, error?: string) => ({
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  });

  return (
    <div>
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-200 px-4 py-3">
        <p className="text-sm text-slate-700" aria-live="polite">
          {sold.length} of {rows.length} {rows.length === 1 ? 'combination' : 'combinations'} sold
        </p>
        <div className="flex items-end gap-2">
          <div className="space-y-1">
            <label htmlFor="all-prices" className="block text-xs font-medium text-slate-700">
              Price for every variant ({currency})
            </label>
            <input id="all-prices" inputMode="decimal" value={allPrice} onChange={(e) => setAllPrice(e.target.value)} placeholder="19.99" className={cx(inputClass, 'w-28')} />
          </div>
          <Button
            disabled={allPrice.trim() === ''}
            onClick={() => {
              for (const row of rows) onEdit(row.key, { price: allPrice.trim() });
            }}
          >
            Apply to all
          </Button>
        </div>
      </div>
      <div
        aria-hidden
        className="hidden grid-cols-[minmax(6rem,1fr)_6.5rem_5rem_minmax(7rem,1fr)_3.5rem_4.5rem] gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs font-semibold uppercase tracking-wide text-slate-600 sm:grid"
      >
        <span>Variant</span>
        <span>Price</span>
        <span>Stock</span>
        <span>SKU</span>
        <span className="text-center">Active</span>
        <span className="sr-only">Remove</span>
      </div>
      <ul aria-label="Variants" className="divide-y divide-slate-100">
        {rows.map((row, i) => {
          const id = (field: string) => `variant-${i}-${field}`;
          const rowErrors = errors[row.key] ?? {};
          if (!row.included) {
            return (
              <li key={row.key} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 bg-slate-50 px-4 py-2.5 text-sm">
                <span className="text-slate-600">
                  <span className="line-through decoration-slate-400">{row.title}</span>
                  <span className="ml-2 text-xs">{row.variant ? 'archived on save' : 'not sold'}</span>
                </span>
                <Button kind="ghost" className="min-h-8 px-2 py-1 text-indigo-700" onClick={() => onEdit(row.key, { included: true })} aria-label={`Sell ${row.title}`}>
                  {row.variant ? 'Keep' : 'Sell it'}
                </Button>
                {rowErrors.row ? (
                  <p role="alert" className="basis-full text-sm text-red-700">
                    {rowErrors.row}
                  </p>
                ) : null}
              </li>
            );
          }
          return (
            <li key={row.key} className="px-4 py-3" data-testid="variant-row">
              <div className="grid grid-cols-2 gap-3 sm:grid-cols-[minmax(6rem,1fr)_6.5rem_5rem_minmax(7rem,1fr)_3.5rem_4.5rem] sm:items-start sm:gap-2">
                <div className="col-span-2 flex min-w-0 items-center gap-2 sm:col-span-1 sm:min-h-10">
                  <span className="truncate font-medium text-slate-900" title={row.title}>
                    {row.title}
                  </span>
                  {marksNew && !row.variant && <Badge tone="green">New</Badge>}
                </div>
                <Cell id={id('price')} label={`Price (${currency})`} title={row.title} error={rowErrors[fieldOf.price]}>
                  <input
                    {...input(id('price'), rowErrors[fieldOf.price])}
                    inputMode="decimal"
                    value={row.price}
                    onChange={(e) => onEdit(row.key, { price: e.target.value })}
                    placeholder="19.99"
                    className={inputClass}
                  />
                </Cell>
                <Cell id={id('stock')} label="Stock" title={row.title} error={rowErrors[fieldOf.stock]}>
                  <input
                    {...input(id('stock'), rowErrors[fieldOf.stock])}
                    type="number"
                    min={0}
                    step={1}
                    value={row.stock}
                    onChange={(e) => onEdit(row.key, { stock: e.target.value })}
                    className={inputClass}
                  />
                </Cell>
                <Cell id={id('sku')} label="SKU" title={row.title} error={rowErrors[fieldOf.sku]} className="col-span-2 sm:col-span-1">
                  <input
                    {...input(id('sku'), rowErrors[fieldOf.sku])}
                    value={row.sku}
                    onChange={(e) => onEdit(row.key, { sku: e.target.value })}
                    maxLength={64}
                    placeholder="Optional"
                    className={inputClass}
                  />
                </Cell>
                <div className="flex items-center gap-2 sm:min-h-10 sm:justify-center">
                  <input
                    id={id('active')}
                    type="checkbox"
                    checked={row.isActive}
                    onChange={(e) => onEdit(row.key, { isActive: e.target.checked })}
                    aria-describedby={rowErrors.isActive ? `${id('active')}-error` : undefined}
                    className="size-4 rounded border-slate-300 accent-indigo-600"
                  />
                  <label htmlFor={id('active')} className="text-sm text-slate-800 sm:sr-only">
                    Active<span className="sr-only"> {row.title}</span>
                  </label>
                </div>
                <div className="flex justify-end sm:min-h-10 sm:items-center">
                  <Button kind="ghost" className="min-h-8 px-2 py-1 text-red-700 hover:bg-red-50" onClick={() => onEdit(row.key, { included: false })} aria-label={`Remove ${row.title}`}>
                    Remove
                  </Button>
                </div>
              </div>
              {rowErrors.isActive || rowErrors.row ? (
                <p id={rowErrors.isActive ? `${id('active')}-error` : undefined} role="alert" className="mt-2 text-sm text-red-700">
                  {rowErrors.isActive ?? rowErrors.row}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      {leaving.length > 0 ? (
        <p className="border-t border-slate-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900">
          Saving archives {leaving.length === 1 ? 'the variant' : `${leaving.length} variants`} of the removed {leaving.length === 1 ? 'value' : 'values'}:{' '}
          {leaving.map((v) => v.title).join(', ')}. Past orders keep showing {leaving.length === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
    </div>
  );
}

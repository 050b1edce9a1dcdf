'use client';

import { stockAdjustmentInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { validate } from '@/lib/forms';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { Button, Card, described, Field, Input, Select } from './ui';

type Product = RouterOutputs['products']['byId'];
type Variant = Product['variants'][number];

/** Receive or write off stock by a delta: one atomic adjustment on the server, never below 0. */
function AdjustForm({ id, label, onAdjust, busy }: { id: string; label: string; busy: boolean; onAdjust: (delta: number, done: () => void) => void }) {
  const [error, setError] = useState<string>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const result = validate(stockAdjustmentInput, { delta: Number(new FormData(form).get('delta')) });
    setError(result.errors?.delta);
    if (result.data) onAdjust(result.data.delta, () => form.reset());
  };
  return (
    <form onSubmit={submit} noValidate className="flex items-end gap-2">
      <Field id={id} label={label} error={error} hint="e.g. 10 received, -2 damaged" className="flex-1">
        <Input {...described(id, error)} name="delta" type="number" step={1} placeholder="+10 or -2" />
      </Field>
      <Button type="submit" busy={busy} className={error ? 'mb-7' : 'mb-6'}>
        Apply
      </Button>
    </form>
  );
}

/**
 * Stock on hand, adjusted per variant by a delta (stock received, written off): the
 * product-level route for a single-variant product, the chosen variant's own for a product
 * sold in several. Counts can also be set outright in the product form's variant table.
 */
export function StockCard({ product }: { product: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.products.byId.queryKey({ id: product.id }) });
    void queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.inventory.lowStock.pathKey() });
  };
  const fail = (e: Parameters<typeof errorMessage>[0]) => toast.error(errorMessage(e));
  const adjustProduct = useMutation(
    trpc.inventory.adjustStock.mutationOptions({
      onSuccess: (updated, input) => {
        queryClient.setQueryData(trpc.products.byId.queryKey({ id: updated.id }), updated);
        refresh();
        toast.success(`Stock ${input.delta > 0 ? 'increased' : 'decreased'} to ${updated.stock}`);
      },
      onError: fail,
    }),
  );
  const adjustVariant = useMutation(
    trpc.variants.adjustStock.mutationOptions({
      onSuccess: (updated) => {
        refresh();
        toast.success(`${updated.title}: stock now ${updated.stock}`);
      },
      onError: fail,
    }),
  );
  const several = product.variants.length > 1;
  const [chosenId, setChosenId] = useState<number>();
  const chosen = product.variants.find((v) => v.id === chosenId) ?? product.variants[0];
  return (
    <Card title="Stock">
      <div className="p-4">
        <p className="text-sm text-slate-600">On hand{several ? ', all active variants' : ''}</p>
        <p className="text-3xl font-semibold tabular-nums" data-testid="stock-on-hand">
          {product.stock.toLocaleString('en-US')}
        </p>
        {several ? (
          <>
            <ul className="mt-3 divide-y divide-slate-100 text-sm" aria-label="Stock per variant">
              {product.variants.map((variant: Variant) => (
                <li key={variant.id} className="flex items-baseline justify-between gap-2 py-1.5">
                  <span className="min-w-0">
                    <span className="font-medium text-slate-900">{variant.title}</span>
                    {!variant.isActive && <span className="ml-2 text-xs text-slate-500">(inactive)</span>}
                    {variant.sku && <span className="ml-2 text-xs text-slate-500">{variant.sku}</span>}
                  </span>
                  <span className={`tabular-nums ${variant.stock === 0 ? 'font-semibold text-red-700' : 'text-slate-700'}`}>
                    {variant.stock === 0 ? 'Out' : variant.stock.toLocaleString('en-US')}
                  </span>
                </li>
              ))}
            </ul>
            <div className="mt-4 space-y-3 border-t border-slate-200 pt-4">
              <Field id="adjust-variant" label="Variant to adjust">
                <Select id="adjust-variant" value={chosen?.id ?? ''} onChange={(e) => setChosenId(Number(e.target.value))}>
                  {product.variants.map((variant: Variant) => (
                    <option key={variant.id} value={variant.id}>
                      {variant.title}
                    </option>
                  ))}
                </Select>
              </Field>
              {chosen ? (
                <AdjustForm
                  key={chosen.id}
                  id="delta"
                  label={`Adjust ${chosen.title} by`}
                  busy={adjustVariant.isPending}
                  onAdjust={(delta, done) => adjustVariant.mutate({ id: chosen.id, delta }, { onSuccess: done })}
                />
              ) : null}
            </div>
          </>
        ) : (
          <div className="mt-4">
            <AdjustForm
              id="delta"
              label="Adjust by"
              busy={adjustProduct.isPending}
              onAdjust={(delta, done) => adjustProduct.mutate({ id: product.id, delta }, { onSuccess: done })}
            />
          </div>
        )}
      </div>
    </Card>
  );
}

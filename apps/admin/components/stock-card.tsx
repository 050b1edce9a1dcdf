'use client';

import { stockAdjustmentInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { validate } from '@/lib/forms';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { Button, Card, described, Field, Input } from './ui';

type Product = RouterOutputs['products']['byId'];

/** Receive or write off stock by a delta: one atomic adjustment on the server, never below 0. */
export function StockCard({ product }: { product: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string>();
  const adjust = useMutation(
    trpc.inventory.adjustStock.mutationOptions({
      onSuccess: (updated, input) => {
        queryClient.setQueryData(trpc.products.byId.queryKey({ id: updated.id }), updated);
        void queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.inventory.lowStock.pathKey() });
        toast.success(`Stock ${input.delta > 0 ? 'increased' : 'decreased'} to ${updated.stock}`);
      },
      onError: (e) => {
        setError(errorMessage(e));
        toast.error(errorMessage(e));
      },
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const result = validate(stockAdjustmentInput, { delta: Number(new FormData(form).get('delta')) });
    setError(result.errors?.delta);
    if (result.data) adjust.mutate({ id: product.id, ...result.data }, { onSuccess: () => form.reset() });
  };
  return (
    <Card title="Stock">
      <div className="p-4">
        <p className="text-sm text-slate-600">On hand</p>
        <p className="text-3xl font-semibold tabular-nums" data-testid="stock-on-hand">
          {product.stock.toLocaleString('en-US')}
        </p>
        <form onSubmit={submit} noValidate className="mt-4 flex items-end gap-2">
          <Field id="delta" label="Adjust by" error={error} hint="e.g. 10 received, -2 damaged" className="flex-1">
            <Input {...described('delta', error)} name="delta" type="number" step={1} placeholder="+10 or -2" />
          </Field>
          <Button type="submit" busy={adjust.isPending} className={error ? 'mb-7' : 'mb-6'}>
            Apply
          </Button>
        </form>
      </div>
    </Card>
  );
}

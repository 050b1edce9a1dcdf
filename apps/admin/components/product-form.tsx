'use client';

import { createProductInput, updateProductInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { centsFromInput, centsToInput } from '@/lib/format';
import { validate, type FieldErrors } from '@/lib/forms';
import { errorField, errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { useCategories } from '@/lib/use-categories';
import { Button, Card, described, ErrorState, Field, Input, Select, Skeleton, Textarea } from './ui';

type Product = RouterOutputs['products']['byId'];

/** What the form holds: text as typed, turned into the router's input on submit. */
function valuesOf(form: FormData, creating: boolean) {
  const text = (name: string) => String(form.get(name) ?? '');
  const optionalInt = (name: string) => (text(name).trim() === '' ? null : Number(text(name)));
  return {
    name: text('name'),
    description: text('description'),
    priceCents: centsFromInput(text('price')),
    ...(creating ? { stock: Number(text('stock') || '0') } : {}),
    isActive: form.get('isActive') === 'on',
    categoryId: optionalInt('categoryId'),
    sku: text('sku').trim() === '' ? null : text('sku'),
    // The product's own threshold is not part of what products answer, so it is set at creation only.
    ...(creating ? { lowStockThreshold: optionalInt('lowStockThreshold') } : {}),
  };
}

/** Create and edit, validated with the products router's own schemas; zod's messages sit beside their fields. */
export function ProductForm({ product }: { product?: Product }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { options: categories, query: categoriesQuery } = useCategories();
  const [errors, setErrors] = useState<FieldErrors>({});
  const creating = !product;

  const onError = (error: unknown) => {
    const field = errorField(error);
    if (field) setErrors({ [field]: errorMessage(error) });
    toast.error(errorMessage(error));
  };
  const create = useMutation(
    trpc.products.create.mutationOptions({
      onSuccess: (created) => {
        toast.success(`Created ${created.name}`);
        void queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() });
        router.push(`/products/${created.id}`);
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.products.update.mutationOptions({
      onSuccess: (updated) => {
        toast.success('Saved');
        queryClient.setQueryData(trpc.products.byId.queryKey({ id: updated.id }), updated);
        void queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() });
      },
      onError,
    }),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const values = valuesOf(new FormData(event.currentTarget), creating);
    if (Number.isNaN(values.priceCents)) {
      setErrors({ priceCents: 'Enter a price such as 19.99' });
      return;
    }
    if (creating) {
      const result = validate(createProductInput, values);
      setErrors(result.errors ?? {});
      if (result.data) create.mutate(result.data);
    } else {
      const result = validate(updateProductInput, values);
      setErrors(result.errors ?? {});
      if (result.data) update.mutate({ ...result.data, id: product.id });
    }
  };

  // The category select is uncontrolled: it gets its options before its default value.
  if (categoriesQuery.isPending) {
    return (
      <Card title="Details">
        <div role="status" aria-label="Loading the form" className="space-y-4 p-4">
          <Skeleton className="h-10 w-full" />
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-10 w-full" />
        </div>
      </Card>
    );
  }
  if (categoriesQuery.isError) {
    return (
      <Card title="Details">
        <ErrorState error={categoriesQuery.error} onRetry={() => void categoriesQuery.refetch()} what="the categories" />
      </Card>
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label={creating ? 'New product' : 'Edit product'}>
      <Card title="Details" className="p-0">
        <div className="grid gap-4 p-4 sm:grid-cols-2">
          <Field id="name" label="Name" error={errors.name} className="sm:col-span-2">
            <Input {...described('name', errors.name)} name="name" defaultValue={product?.name} maxLength={200} required />
          </Field>
          <Field id="description" label="Description" error={errors.description} className="sm:col-span-2">
            <Textarea {...described('description', errors.description)} name="description" rows={4} defaultValue={product?.description} maxLength={10_000} />
          </Field>
          <Field id="price" label={`Price (${product?.currency ?? 'USD'})`} error={errors.priceCents}>
            <Input {...described('price', errors.priceCents)} name="price" inputMode="decimal" defaultValue={product ? centsToInput(product.priceCents) : ''} placeholder="19.99" required />
          </Field>
          <Field id="sku" label="SKU" error={errors.sku} hint="Optional; unique across the catalog">
            <Input {...described('sku', errors.sku)} name="sku" defaultValue={product?.sku ?? ''} maxLength={64} />
          </Field>
          {creating ? (
            <>
              <Field id="stock" label="Stock on hand" error={errors.stock}>
                <Input {...described('stock', errors.stock)} name="stock" type="number" min={0} step={1} defaultValue={0} />
              </Field>
              <Field id="lowStockThreshold" label="Low-stock threshold" error={errors.lowStockThreshold} hint="Empty uses the store-wide threshold">
                <Input {...described('lowStockThreshold', errors.lowStockThreshold)} name="lowStockThreshold" type="number" min={0} step={1} />
              </Field>
            </>
          ) : null}
          <Field id="categoryId" label="Category" error={errors.categoryId}>
            <Select {...described('categoryId', errors.categoryId)} name="categoryId" defaultValue={product?.categoryId ?? ''}>
              <option value="">No category</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex items-center gap-2 self-end pb-2">
            <input id="isActive" name="isActive" type="checkbox" defaultChecked={product?.isActive ?? true} className="size-4 rounded border-slate-300 accent-indigo-600" />
            <label htmlFor="isActive" className="text-sm font-medium text-slate-800">
              Active (visible in the storefront)
            </label>
          </div>
        </div>
        <div className="flex justify-end gap-2 border-t border-slate-200 px-4 py-3">
          <Button kind="primary" type="submit" busy={create.isPending || update.isPending}>
            {creating ? 'Create product' : 'Save changes'}
          </Button>
        </div>
      </Card>
    </form>
  );
}

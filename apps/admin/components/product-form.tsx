'use client';

import { createProductInput, createVariantInput, MAX_VARIANTS, updateProductInput, updateVariantInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { centsFromInput, centsToInput } from '@/lib/format';
import { validate, type FieldErrors } from '@/lib/forms';
import { errorField, errorMessage, errorReason, useTRPC, useTRPCClient } from '@/lib/trpc';
import { useCategories } from '@/lib/use-categories';
import {
  createVariants,
  duplicateSkus,
  optionDrafts,
  optionsChanged,
  planVariants,
  usableOptions,
  variantRows,
  type OptionDraft,
  type Product,
  type RowFields,
  type VariantRow,
} from '@/lib/variants';
import { OptionsEditor } from './options-editor';
import { Button, Card, described, ErrorState, Field, Input, Select, Skeleton, Textarea } from './ui';
import { VariantsTable, type RowErrors } from './variants-table';

const PRICE_HINT = 'Enter a price such as 19.99';

/** The details every product has, as typed; turned into the router's input on submit. */
function detailsOf(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '');
  return {
    name: text('name'),
    description: text('description'),
    isActive: form.get('isActive') === 'on',
    categoryId: text('categoryId').trim() === '' ? null : Number(text('categoryId')),
  };
}

/** The single variant's fields of a product without options. */
function simpleOf(form: FormData, creating: boolean) {
  const text = (name: string) => String(form.get(name) ?? '');
  const optionalInt = (name: string) => (text(name).trim() === '' ? null : Number(text(name)));
  return {
    priceCents: centsFromInput(text('price')),
    sku: text('sku').trim() === '' ? null : text('sku'),
    ...(creating ? { stock: Number(text('stock') || '0'), lowStockThreshold: optionalInt('lowStockThreshold') } : {}),
  };
}

/** A refused variant write, as a sentence beside its row (keyed by the field it concerns, or `row`). */
function variantProblem(error: unknown, row: VariantRow | undefined): [field: string, message: string] {
  switch (errorReason(error)) {
    case 'sku_taken':
      return ['sku', `Another variant already uses the SKU “${row?.sku.trim() ?? ''}”.`];
    case 'duplicate_variant':
      return ['row', `Another variant of this product is already sold as ${row?.title ?? 'this combination'}.`];
    case 'last_variant':
      return [row?.included === false ? 'row' : 'isActive', 'A product keeps at least one active variant. To stop selling it, archive the product instead.'];
    default: {
      const field = errorField(error);
      return [field === 'priceCents' || field === 'stock' || field === 'sku' ? field : 'row', errorMessage(error)];
    }
  }
}

/** zod's messages for variants (`variants.<i>.<field>` or a row's own), put beside their rows; a price in words people use. */
function rowErrorsOf(entries: [row: VariantRow, errors: FieldErrors][]): RowErrors {
  const out: RowErrors = {};
  for (const [row, errors] of entries) {
    for (const [field, message] of Object.entries(errors)) {
      const key = field === 'priceCents' ? 'priceCents' : field === 'stock' || field === 'sku' || field === 'isActive' ? field : 'row';
      (out[row.key] ??= {})[key] ??= key === 'priceCents' ? PRICE_HINT : message;
    }
  }
  return out;
}

/** A product's variants are bounded; said with the count the options make. */
const tooMany = (sold: number) =>
  sold > MAX_VARIANTS ? `A product has at most ${MAX_VARIANTS} variants; these options make ${sold}. Remove some values or combinations.` : undefined;

/** Checks that need no schema: prices as typed, SKUs twice in the form. */
function rowChecks(rows: readonly VariantRow[]): RowErrors {
  const out: RowErrors = {};
  for (const row of rows) if (row.included && Number.isNaN(centsFromInput(row.price))) (out[row.key] ??= {}).priceCents = PRICE_HINT;
  for (const [key, message] of Object.entries(duplicateSkus(rows))) (out[key] ??= {}).sku ??= message;
  return out;
}

/** Splits a schema's messages into the option editor's (`options…`), the rows' (`variants.<i>…`) and the rest. */
function splitErrors(errors: FieldErrors, sold: readonly VariantRow[]) {
  const options: FieldErrors = {};
  const fields: FieldErrors = {};
  const rows: [VariantRow, FieldErrors][] = [];
  for (const [path, message] of Object.entries(errors)) {
    const variant = /^variants\.(\d+)\.(\w+)/.exec(path);
    if (variant && sold[Number(variant[1])]) rows.push([sold[Number(variant[1])]!, { [variant[2]!]: message }]);
    else if (path.startsWith('options')) options[path.replace(/^(options\.\d+\.(name|values)).*$/, '$1')] ??= message;
    else fields[path === 'variants' ? 'variants' : path] ??= message;
  }
  return { options, fields, rows: rowErrorsOf(rows) };
}

/**
 * Create and edit, validated with the routers' own schemas; zod's messages sit beside their
 * fields. A product without options has one price, SKU and stock; with options (up to three),
 * each combination of their values is a variant with its own, edited in a table.
 */
export function ProductForm({ product }: { product?: Product }) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { options: categories, query: categoriesQuery } = useCategories();
  const creating = !product;
  const [errors, setErrors] = useState<FieldErrors>({});
  const [optionErrors, setOptionErrors] = useState<FieldErrors>({});
  const [rowErrors, setRowErrors] = useState<RowErrors>({});
  const [options, setOptions] = useState<OptionDraft[]>(() => optionDrafts(product));
  const [edits, setEdits] = useState<Record<string, Partial<RowFields>>>({});
  const [price, setPrice] = useState(product ? centsToInput(product.priceCents) : '');
  const [saving, setSaving] = useState(false);
  // Once the owner tried to save, the form's own checks (prices, SKUs twice) follow each keystroke.
  const [submitted, setSubmitted] = useState(false);

  const withOptions = options.length > 0;
  const rows = useMemo(() => variantRows({ options, edits, defaultPrice: price, ...(product && { product }) }), [options, edits, price, product]);
  const plan = useMemo(() => (product && withOptions ? planVariants(product, options, rows) : null), [product, withOptions, options, rows]);
  const leaving = plan ? plan.archives.filter((a) => !a.row).map((a) => a.variant) : [];
  const currency = product?.currency ?? 'USD';
  const shownRowErrors = useMemo(() => {
    if (!submitted) return rowErrors;
    const out: RowErrors = { ...rowErrors };
    for (const [key, fields] of Object.entries(rowChecks(rows))) out[key] = { ...fields, ...out[key] };
    return out;
  }, [submitted, rowErrors, rows]);

  const editRow = (key: string, change: Partial<RowFields>) => {
    setEdits((all) => ({ ...all, [key]: { ...all[key], ...change } }));
    setRowErrors(({ [key]: _, ...rest }) => rest);
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() });

  const create = useMutation(
    trpc.products.create.mutationOptions({
      onSuccess: (created) => {
        toast.success(`Created ${created.name}`);
        void refresh();
        router.push(`/products/${created.id}`);
      },
    }),
  );
  const update = useMutation(
    trpc.products.update.mutationOptions({
      onSuccess: (updated) => {
        toast.success('Saved');
        queryClient.setQueryData(trpc.products.byId.queryKey({ id: updated.id }), updated);
        void refresh();
      },
    }),
  );

  const refused = (error: unknown) => {
    const field = errorField(error);
    if (field) setErrors({ [field]: errorMessage(error) });
    toast.error(errorMessage(error));
  };

  /** A new product's variants clash on a SKU another product has: find which rows, by the exact-SKU search. */
  const markTakenSkus = async (sold: readonly VariantRow[]) => {
    const withSku = sold.filter((row) => row.sku.trim() !== '');
    const found = await Promise.all(
      withSku.map((row) =>
        client.products.list
          .query({ q: row.sku.trim(), limit: 5 })
          .then((page) => page.items.some((p) => p.variants.some((v) => v.sku?.toLowerCase() === row.sku.trim().toLowerCase())))
          .catch(() => false),
      ),
    );
    const taken = withSku.filter((_, i) => found[i]);
    if (taken.length === 0) {
      setErrors({ variants: 'Another product already uses one of these SKUs.' });
      return;
    }
    setRowErrors(Object.fromEntries(taken.map((row) => [row.key, { sku: `Another product already uses the SKU “${row.sku.trim()}”.` }])));
  };

  const submitCreate = (details: ReturnType<typeof detailsOf>, form: FormData) => {
    if (!withOptions) {
      const simple = simpleOf(form, true);
      if (Number.isNaN(simple.priceCents)) return setErrors({ priceCents: PRICE_HINT });
      const result = validate(createProductInput, { ...details, ...simple });
      setErrors(result.errors ?? {});
      if (result.data) create.mutate(result.data, { onError: refused });
      return;
    }
    const { rows: sold, variants } = createVariants(rows);
    const checks = rowChecks(rows);
    const result = validate(createProductInput, { ...details, options: options.map((o) => ({ name: o.name, values: o.values })), variants });
    const split = splitErrors(result.errors ?? {}, sold);
    if (sold.length === 0) split.fields.variants = 'Sell at least one combination.';
    if (tooMany(sold.length)) split.fields.variants = tooMany(sold.length)!;
    const rowProblems = { ...split.rows, ...checks };
    setErrors(split.fields);
    setOptionErrors(split.options);
    setRowErrors(split.rows);
    setSubmitted(true);
    if (!result.data || sold.length === 0 || Object.keys(rowProblems).length > 0) return;
    create.mutate(result.data, {
      onError: (error) => {
        toast.error(errorMessage(error));
        if (errorReason(error) === 'sku_taken') void markTakenSkus(sold);
        else if (errorField(error)) setErrors({ [errorField(error)!]: errorMessage(error) });
      },
    });
  };

  const submitSimpleEdit = (current: Product, details: ReturnType<typeof detailsOf>, form: FormData) => {
    const simple = simpleOf(form, false);
    if (Number.isNaN(simple.priceCents)) return setErrors({ priceCents: PRICE_HINT });
    const result = validate(updateProductInput, { ...details, ...simple });
    setErrors(result.errors ?? {});
    if (result.data) update.mutate({ ...result.data, id: current.id }, { onError: refused });
  };

  /**
   * Saves the details and the options (widened while variants using removed values still
   * exist), then each variant change on its own: a refusal lands beside its row and the rest
   * still saves. Options lose their removed values once those variants are archived.
   */
  const submitVariantsEdit = async (current: Product, details: ReturnType<typeof detailsOf>) => {
    const steps = planVariants(current, options, rows);
    const changedOptions = optionsChanged(current, options);
    const detailsCheck = validate(updateProductInput, { ...details, ...(changedOptions && { options: options.map((o) => ({ name: o.name, values: o.values })) }) });
    const split = splitErrors(detailsCheck.errors ?? {}, []);
    const schemaRows = rowErrorsOf([
      ...steps.creates.map(({ row, input }): [VariantRow, FieldErrors] => [row, validate(createVariantInput, input).errors ?? {}]),
      ...steps.updates.map(({ row, input }): [VariantRow, FieldErrors] => [row, validate(updateVariantInput, input).errors ?? {}]),
    ]);
    const rowProblems = { ...schemaRows, ...rowChecks(rows) };
    setSubmitted(true);
    if (!rows.some((r) => r.included)) split.fields.variants = 'Sell at least one combination, or archive the product.';
    const count = rows.filter((r) => r.included).length;
    if (tooMany(count)) split.fields.variants = tooMany(count)!;
    setErrors(split.fields);
    setOptionErrors(split.options);
    setRowErrors(schemaRows);
    if (!detailsCheck.data || Object.keys(split.fields).length > 0 || Object.keys(rowProblems).length > 0) return;

    setSaving(true);
    const failed: RowErrors = {};
    const failedOptions: FieldErrors = {};
    try {
      try {
        await client.products.update.mutate({ id: current.id, ...details, ...(changedOptions && { options: steps.widened }) });
      } catch (error) {
        refused(error);
        return;
      }
      const attempt = async (row: VariantRow | undefined, call: () => Promise<unknown>) => {
        try {
          await call();
          return true;
        } catch (error) {
          const [field, message] = variantProblem(error, row);
          if (row) (failed[row.key] ??= {})[field] = message;
          else failedOptions.options = message;
          return false;
        }
      };
      for (const { row, input } of steps.creates) await attempt(row, () => client.variants.create.mutate({ id: current.id, ...input }));
      for (const { row, input } of steps.updates) {
        await attempt(row, () => client.variants.update.mutate({ id: current.id, variantId: row.variant!.id, ...input }));
      }
      let archived = true;
      for (const { row, variant } of steps.archives) {
        const ok = await attempt(row, () => client.variants.archive.mutate({ id: current.id, variantId: variant.id }));
        if (!ok && !row) failedOptions.options = `${variant.title} could not be archived: ${failedOptions.options ?? ''}`;
        archived &&= ok;
      }
      if (steps.final && archived) await attempt(undefined, () => client.products.update.mutate({ id: current.id, options: steps.final! }));

      const fresh = await queryClient.fetchQuery({ ...trpc.products.byId.queryOptions({ id: current.id }), staleTime: 0 });
      void refresh();
      // Rows that failed keep what was typed, beside their message; the rest show what was saved.
      setOptions(optionDrafts(fresh));
      // A row that failed keeps being sold (or archived) as the owner chose, whatever the defaults say now.
      setEdits((all) => Object.fromEntries(rows.filter((row) => failed[row.key]).map((row) => [row.key, { ...all[row.key], included: row.included }])));
      setRowErrors(failed);
      setOptionErrors(failedOptions);
      const problems = Object.keys(failed).length + Object.keys(failedOptions).length;
      if (problems === 0) toast.success('Saved');
      else toast.error(`Saved, except ${problems === 1 ? 'one change' : `${problems} changes`}: see the messages beside them.`);
    } finally {
      setSaving(false);
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const details = detailsOf(form);
    if (!product) submitCreate(details, form);
    else if (withOptions) void submitVariantsEdit(product, details);
    else submitSimpleEdit(product, details, form);
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

  const sold = rows.filter((r) => r.included).length;
  return (
    <form onSubmit={submit} noValidate aria-label={creating ? 'New product' : 'Edit product'} className="space-y-6">
      <Card title="Details" className="p-0">
        <div className="grid gap-4 p-4 sm:grid-cols-2">
          <Field id="name" label="Name" error={errors.name} className="sm:col-span-2">
            <Input {...described('name', errors.name)} name="name" defaultValue={product?.name} maxLength={200} required />
          </Field>
          <Field id="description" label="Description" error={errors.description} className="sm:col-span-2">
            <Textarea {...described('description', errors.description)} name="description" rows={4} defaultValue={product?.description} maxLength={10_000} />
          </Field>
          {withOptions ? null : (
            <>
              <Field id="price" label={`Price (${currency})`} error={errors.priceCents}>
                <Input {...described('price', errors.priceCents)} name="price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} placeholder="19.99" required />
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
            </>
          )}
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
      </Card>

      <Card title="Options" className="p-0">
        <div className="p-4">
          {!withOptions && (
            <p className="mb-3 text-sm text-slate-600">Sold in sizes, colors or materials? Add up to three options; each combination of their values becomes a variant with its own price, stock and SKU.</p>
          )}
          <OptionsEditor
            options={options}
            onChange={(next) => {
              setOptions(next);
              setOptionErrors({});
            }}
            savedNames={product?.options.map((o) => o.name) ?? []}
            errors={optionErrors}
          />
        </div>
      </Card>

      {withOptions ? (
        <Card title={`Variants${sold ? ` (${sold})` : ''}`} className="p-0">
          {usableOptions(options).length === 0 ? (
            <p className="p-4 text-sm text-slate-600">Name an option and add its values to see the variants.</p>
          ) : (
            <VariantsTable rows={rows} currency={currency} errors={shownRowErrors} leaving={leaving} onEdit={editRow} marksNew={!creating} />
          )}
          {errors.variants ? (
            <p role="alert" className="border-t border-slate-200 px-4 py-3 text-sm text-red-700">
              {errors.variants}
            </p>
          ) : null}
        </Card>
      ) : null}

      <div className="flex justify-end gap-2">
        <Button kind="primary" type="submit" busy={create.isPending || update.isPending || saving}>
          {creating ? 'Create product' : 'Save changes'}
        </Button>
      </div>
    </form>
  );
}

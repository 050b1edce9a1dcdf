'use client';

import { countrySchema, shippingMethodInput, updateShippingMethodInput } from '@commerce/core/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button, Card, ConfirmButton, described, EmptyState, ErrorState, Field, Input, PageHeader, TableSkeleton } from '@/components/ui';
import { validate, type FieldErrors } from '@/lib/forms';
import { centsFromInput, centsToInput, money } from '@/lib/format';
import { errorMessage, showRefusal, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

type Method = RouterOutputs['shippingMethods']['list']['items'][number];
const CURRENCY = 'USD';
const MONEY_HINT = 'An amount like 4.99';

const daysText = (m: Pick<Method, 'minDays' | 'maxDays'>) =>
  m.minDays === m.maxDays ? `${m.maxDays} ${m.maxDays === 1 ? 'day' : 'days'}` : `${m.minDays}–${m.maxDays} days`;

/** "us, ca de" → ["US", "CA", "DE"]: staff type codes the way they like. */
const countriesFrom = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);

function MethodForm({ method, onDone }: { method?: Method | undefined; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.shippingMethods.list.pathKey() });
  const refused = (error: unknown) => showRefusal(error, setErrors);
  const create = useMutation(trpc.shippingMethods.create.mutationOptions({ onError: refused }));
  const update = useMutation(trpc.shippingMethods.update.mutationOptions({ onError: refused }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const freeOver = String(form.get('freeOver') ?? '').trim();
    const values = {
      name: form.get('name'),
      priceCents: centsFromInput(String(form.get('price') ?? '')),
      freeOverCents: freeOver === '' ? null : centsFromInput(freeOver),
      countries: countriesFrom(String(form.get('countries') ?? '')),
      minDays: String(form.get('minDays') ?? '').trim() === '' ? Number.NaN : Number(form.get('minDays')),
      maxDays: String(form.get('maxDays') ?? '').trim() === '' ? Number.NaN : Number(form.get('maxDays')),
    };
    const amountErrors: FieldErrors = {};
    if (Number.isNaN(values.priceCents)) amountErrors.priceCents = MONEY_HINT;
    if (Number.isNaN(values.freeOverCents)) amountErrors.freeOverCents = MONEY_HINT;
    if (Object.keys(amountErrors).length > 0) return setErrors(amountErrors);
    const done = (saved: Method) => {
      toast.success(`Saved ${saved.name}`);
      void refresh();
      formElement.reset();
      setErrors({});
      onDone();
    };
    if (method) {
      const result = validate(updateShippingMethodInput, { ...values, id: method.id });
      setErrors(countryErrors(result.errors));
      if (result.data) update.mutate(result.data, { onSuccess: done });
    } else {
      const result = validate(shippingMethodInput, values);
      setErrors(countryErrors(result.errors));
      if (result.data) create.mutate(result.data, { onSuccess: done });
    }
  };

  const id = (name: string) => `method-${name}`;
  return (
    <form key={method?.id ?? 'new'} onSubmit={submit} noValidate className="space-y-4 p-4" aria-label={method ? `Edit ${method.name}` : 'New shipping method'}>
      <Field id={id('name')} label="Name" error={errors.name}>
        <Input {...described(id('name'), errors.name)} name="name" defaultValue={method?.name ?? ''} maxLength={100} placeholder="Standard" />
      </Field>
      <Field id={id('countries')} label="Countries" error={errors.countries} hint="Two-letter codes, separated by commas: US, CA">
        <Input {...described(id('countries'), errors.countries)} name="countries" defaultValue={method?.countries.join(', ') ?? ''} autoComplete="off" className="uppercase" />
      </Field>
      <div className="grid grid-cols-2 gap-3">
        <Field id={id('price')} label={`Price (${CURRENCY})`} error={errors.priceCents}>
          <Input {...described(id('price'), errors.priceCents)} name="price" inputMode="decimal" defaultValue={method ? centsToInput(method.priceCents) : ''} />
        </Field>
        <Field id={id('free')} label="Free over" error={errors.freeOverCents} hint="Optional subtotal">
          <Input {...described(id('free'), errors.freeOverCents)} name="freeOver" inputMode="decimal" defaultValue={method?.freeOverCents != null ? centsToInput(method.freeOverCents) : ''} />
        </Field>
        <Field id={id('min-days')} label="Min. days" error={errors.minDays}>
          <Input {...described(id('min-days'), errors.minDays)} name="minDays" inputMode="numeric" defaultValue={method?.minDays ?? ''} />
        </Field>
        <Field id={id('max-days')} label="Max. days" error={errors.maxDays}>
          <Input {...described(id('max-days'), errors.maxDays)} name="maxDays" inputMode="numeric" defaultValue={method?.maxDays ?? ''} />
        </Field>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button kind="primary" type="submit" busy={create.isPending || update.isPending}>
          {method ? 'Save method' : 'Create method'}
        </Button>
        {method ? <Button onClick={onDone}>Cancel</Button> : null}
      </div>
    </form>
  );
}

/** A bad code sits at `countries.2`: shown once, beside the one field. */
function countryErrors(errors: FieldErrors | null): FieldErrors {
  if (!errors) return {};
  const out: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) out[key.startsWith('countries') ? 'countries' : key] ??= message;
  return out;
}

export default function ShippingMethodsPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const queryClient = useQueryClient();
  const countryText = url.get('country').toUpperCase();
  const country = countrySchema.safeParse(countryText);
  const list = useQuery(trpc.shippingMethods.list.queryOptions({ country: country.success ? country.data : undefined }));
  const editing = list.data?.items.find((m) => m.id === url.int('edit'));
  const remove = useMutation(
    trpc.shippingMethods.delete.mutationOptions({
      onSuccess: (m) => (toast.success(`Deleted ${m.name}`), void queryClient.invalidateQueries({ queryKey: trpc.shippingMethods.list.pathKey() })),
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  return (
    <>
      <PageHeader title="Shipping methods" description="A checkout to a country with methods must choose one. Prices are per order; past orders keep what they paid." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card>
          <div className="border-b border-slate-200 p-4">
            <Input
              aria-label="Ships to country"
              placeholder="Country, e.g. US"
              defaultValue={countryText}
              maxLength={2}
              className="max-w-56 uppercase placeholder:normal-case"
              onChange={(e) => {
                const value = e.target.value.trim().toUpperCase();
                if (value === '' || value.length === 2) url.set({ country: value });
              }}
            />
          </div>
          {list.isPending ? (
            <TableSkeleton rows={4} label="Loading shipping methods" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} what="shipping methods" />
          ) : list.data.items.length === 0 ? (
            <EmptyState>{country.success ? `No method ships to ${country.data}.` : 'No shipping methods yet: orders ship free.'}</EmptyState>
          ) : (
            <ul aria-label="Shipping methods" className="divide-y divide-slate-100">
              {list.data.items.map((m) => (
                <li key={m.id} className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 px-4 py-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-medium text-slate-900">{m.name}</p>
                    <p className="text-xs text-slate-600">
                      {daysText(m)} · {m.countries.join(', ')}
                    </p>
                  </div>
                  <div className="text-right text-sm tabular-nums">
                    <p className="font-medium text-slate-900">{m.priceCents === 0 ? 'Free' : money(m.priceCents, CURRENCY)}</p>
                    {m.freeOverCents !== null ? <p className="text-xs text-slate-600">free over {money(m.freeOverCents, CURRENCY)}</p> : null}
                  </div>
                  <div className="flex w-full justify-end gap-2 sm:w-auto">
                    <Button kind="ghost" aria-label={`Edit ${m.name}`} onClick={() => url.set({ edit: m.id })}>
                      Edit
                    </Button>
                    <ConfirmButton
                      label="Delete"
                      ariaLabel={`Delete ${m.name}`}
                      question={`Delete ${m.name}?`}
                      busy={remove.isPending}
                      onConfirm={() => remove.mutate({ id: m.id })}
                    />
                  </div>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title={editing ? `Edit ${editing.name}` : 'New shipping method'}>
          <MethodForm method={editing} onDone={() => url.set({ edit: undefined })} />
        </Card>
      </div>
    </>
  );
}

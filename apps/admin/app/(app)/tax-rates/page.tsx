'use client';

import { taxRateInput, updateTaxRateInput } from '@commerce/core/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Badge, Button, Card, ConfirmButton, described, EmptyState, ErrorState, Field, Input, PageHeader, TableSkeleton, td, th } from '@/components/ui';
import { validate, type FieldErrors } from '@/lib/forms';
import { percent } from '@/lib/format';
import { errorMessage, showRefusal, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { useUrlState } from '@/lib/url-state';

type Rate = RouterOutputs['taxRates']['list']['items'][number];

function RateForm({ rate, onDone }: { rate?: Rate | undefined; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const refused = (error: unknown) => showRefusal(error, setErrors);
  const create = useMutation(trpc.taxRates.create.mutationOptions({ onError: refused }));
  const update = useMutation(trpc.taxRates.update.mutationOptions({ onError: refused }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const region = String(form.get('region') ?? '').trim();
    const rateText = String(form.get('ratePercent') ?? '').trim();
    const values = {
      country: String(form.get('country') ?? '').trim().toUpperCase(),
      region: region === '' ? null : region,
      ratePercent: rateText === '' ? Number.NaN : Number(rateText),
      includesShipping: form.get('includesShipping') === 'on',
    };
    if (Number.isNaN(values.ratePercent)) return setErrors({ ratePercent: 'A rate like 20 or 8.875' });
    const done = (saved: Rate) => {
      toast.success(`Saved ${percent(saved.ratePercent)} for ${saved.region ? `${saved.region}, ` : ''}${saved.country}`);
      void queryClient.invalidateQueries({ queryKey: trpc.taxRates.list.queryKey() });
      formElement.reset();
      setErrors({});
      onDone();
    };
    if (rate) {
      const result = validate(updateTaxRateInput, { ...values, id: rate.id });
      setErrors(result.errors ?? {});
      if (result.data) update.mutate(result.data, { onSuccess: done });
    } else {
      const result = validate(taxRateInput, values);
      setErrors(result.errors ?? {});
      if (result.data) create.mutate(result.data, { onSuccess: done });
    }
  };

  const id = (name: string) => `rate-${name}`;
  return (
    <form key={rate?.id ?? 'new'} onSubmit={submit} noValidate className="space-y-4 p-4" aria-label={rate ? 'Edit tax rate' : 'New tax rate'}>
      <div className="grid grid-cols-2 gap-3">
        <Field id={id('country')} label="Country" error={errors.country} hint="Two letters, e.g. US">
          <Input {...described(id('country'), errors.country)} name="country" defaultValue={rate?.country ?? ''} maxLength={2} autoComplete="off" className="uppercase" />
        </Field>
        <Field id={id('region')} label="Region" error={errors.region} hint="Optional, e.g. CA">
          <Input {...described(id('region'), errors.region)} name="region" defaultValue={rate?.region ?? ''} maxLength={100} />
        </Field>
      </div>
      <Field id={id('rate')} label="Rate (%)" error={errors.ratePercent} hint="Up to three decimals: 8.875">
        <Input {...described(id('rate'), errors.ratePercent)} name="ratePercent" inputMode="decimal" defaultValue={rate?.ratePercent ?? ''} />
      </Field>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input type="checkbox" name="includesShipping" defaultChecked={rate?.includesShipping ?? false} className="size-4 rounded border-slate-300" />
        Tax shipping too
      </label>
      <div className="flex flex-wrap gap-2">
        <Button kind="primary" type="submit" busy={create.isPending || update.isPending}>
          {rate ? 'Save rate' : 'Add rate'}
        </Button>
        {rate ? <Button onClick={onDone}>Cancel</Button> : null}
      </div>
    </form>
  );
}

export default function TaxRatesPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.taxRates.list.queryOptions({}));
  const country = url.get('country').toUpperCase();
  const [filter, setFilter] = useState(country);
  useEffect(() => setFilter(country), [country]);
  const shown = (list.data?.items ?? []).filter((r) => !country || r.country === country);
  const editing = list.data?.items.find((r) => r.id === url.int('edit'));
  const remove = useMutation(
    trpc.taxRates.delete.mutationOptions({
      onSuccess: () => (toast.success('Deleted the rate'), void queryClient.invalidateQueries({ queryKey: trpc.taxRates.list.queryKey() })),
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  return (
    <>
      <PageHeader title="Tax rates" description="Prices are before tax. An order is taxed at its region's rate when there is one, else its country's; none means no tax." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card>
          <div className="border-b border-slate-200 p-4">
            <Input
              aria-label="Country"
              placeholder="Country, e.g. US"
              value={filter}
              maxLength={2}
              className="max-w-56 uppercase placeholder:normal-case"
              onChange={(e) => {
                const value = e.target.value.trim().toUpperCase();
                setFilter(value);
                if (value === '' || value.length === 2) url.set({ country: value });
              }}
            />
          </div>
          {list.isPending ? (
            <TableSkeleton rows={4} label="Loading tax rates" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} what="tax rates" />
          ) : shown.length === 0 ? (
            <EmptyState>{country ? `No rate for ${country}: its orders carry no tax.` : 'No tax rates yet: orders carry no tax.'}</EmptyState>
          ) : (
            <table className="w-full">
              <caption className="sr-only">Tax rates</caption>
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className={th}>Where</th>
                  <th scope="col" className={`${th} text-right`}>Rate</th>
                  <th scope="col" className={`${th} text-right`}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {shown.map((r) => (
                  <tr key={r.id}>
                    <td className={td}>
                      <span className="font-medium text-slate-900">{r.country}</span>
                      {r.region ? <span className="text-slate-700"> · {r.region}</span> : <span className="text-slate-600"> · whole country</span>}
                      {r.includesShipping ? (
                        <span className="mt-1 block whitespace-nowrap">
                          <Badge>Shipping taxed</Badge>
                        </span>
                      ) : null}
                    </td>
                    <td className={`${td} text-right tabular-nums`}>{percent(r.ratePercent)}</td>
                    <td className={`${td} text-right`}>
                      <div className="flex flex-wrap justify-end gap-1">
                        <Button kind="ghost" aria-label={`Edit ${r.country}${r.region ? ` ${r.region}` : ''}`} onClick={() => url.set({ edit: r.id })}>
                          Edit
                        </Button>
                        <ConfirmButton
                          label="Delete"
                          ariaLabel={`Delete ${r.country}${r.region ? ` ${r.region}` : ''}`}
                          question="Delete this rate?"
                          busy={remove.isPending}
                          onConfirm={() => remove.mutate({ id: r.id })}
                        />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <Card title={editing ? `Edit ${editing.country}${editing.region ? ` · ${editing.region}` : ''}` : 'New tax rate'}>
          <RateForm rate={editing} onDone={() => url.set({ edit: undefined })} />
        </Card>
      </div>
    </>
  );
}

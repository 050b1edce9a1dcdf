'use client';

import { couponInput, updateCouponInput } from '@commerce/core/schemas';
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { validate, type FieldErrors } from '@/lib/forms';
import { centsFromInput, centsToInput, isoToLocalInput, localInputToIso, money, percent } from '@/lib/format';
import { showRefusal, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { useCategories } from '@/lib/use-categories';
import { Button, Card, ConfirmButton, cx, described, Field, Input, inputClass, Select } from './ui';

export type Coupon = RouterOutputs['coupons']['list']['items'][number];

/** Coupons carry no currency of their own: they discount in the store's (configuration's default). */
export const COUPON_CURRENCY = 'USD';
export const discountText = (c: Coupon) => (c.kind === 'percent' ? `${percent(c.value)} off` : `${money(c.value, COUPON_CURRENCY)} off`);

const MONEY_HINT = 'An amount like 25 or 25.00';

/** Optional whole number from a form: null when left empty. */
const optionalInt = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? null : Number(value));
/** Optional amount from a form: null when empty, NaN when unreadable. */
const optionalCents = (value: FormDataEntryValue | null) => (String(value ?? '').trim() === '' ? null : centsFromInput(String(value)));

/** Create or edit one coupon; every field the API takes, checked by the API's own schema first. */
export function CouponForm({ coupon }: { coupon?: Coupon }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const categories = useCategories();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [kind, setKind] = useState<Coupon['kind']>(coupon?.kind ?? 'percent');
  const [productIds, setProductIds] = useState<number[]>(coupon?.productIds ?? []);
  const [categoryIds, setCategoryIds] = useState<number[]>(coupon?.categoryIds ?? []);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.coupons.list.queryKey() });
  const refused = (error: unknown) => showRefusal(error, setErrors);
  const create = useMutation(
    trpc.coupons.create.mutationOptions({
      onSuccess: (created) => (toast.success(`Created ${created.code}`), void refresh(), router.push('/coupons')),
      onError: refused,
    }),
  );
  const update = useMutation(trpc.coupons.update.mutationOptions({ onSuccess: (saved) => (toast.success(`Saved ${saved.code}`), void refresh()), onError: refused }));
  const remove = useMutation(
    trpc.coupons.delete.mutationOptions({
      onSuccess: (deleted) => (toast.success(`Deleted ${deleted.code}`), void refresh(), router.push('/coupons')),
      onError: refused,
    }),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const valueText = String(form.get('value') ?? '');
    const values = {
      code: form.get('code'),
      kind,
      value: kind === 'fixed' ? centsFromInput(valueText) : valueText.trim() === '' ? Number.NaN : Number(valueText),
      minSubtotalCents: optionalCents(form.get('minSubtotal')),
      startsAt: localInputToIso(String(form.get('startsAt') ?? '')),
      endsAt: localInputToIso(String(form.get('endsAt') ?? '')),
      usageLimit: optionalInt(form.get('usageLimit')),
      perCustomerLimit: optionalInt(form.get('perCustomerLimit')),
      productIds,
      categoryIds,
      isActive: form.get('isActive') === 'on',
    };
    const amountErrors: FieldErrors = {};
    if (kind === 'fixed' && Number.isNaN(values.value)) amountErrors.value = MONEY_HINT;
    if (Number.isNaN(values.minSubtotalCents)) amountErrors.minSubtotalCents = MONEY_HINT;
    if (Object.keys(amountErrors).length > 0) return setErrors(amountErrors);
    if (coupon) {
      const result = validate(updateCouponInput, { ...values, id: coupon.id });
      setErrors(result.errors ?? {});
      if (result.data) update.mutate(result.data);
    } else {
      const result = validate(couponInput, values);
      setErrors(result.errors ?? {});
      if (result.data) create.mutate(result.data);
    }
  };

  const id = (name: string) => `coupon-${name}`;
  const valueDefault = coupon ? (coupon.kind === 'fixed' ? centsToInput(coupon.value) : String(coupon.value)) : '';

  return (
    <form onSubmit={submit} noValidate className="space-y-6" aria-label={coupon ? `Edit coupon ${coupon.code}` : 'New coupon'}>
      <Card title="Discount">
        <div className="grid gap-4 p-4 sm:grid-cols-2">
          <Field id={id('code')} label="Code" error={errors.code} hint="3 to 32 letters, digits, - and _. Customers type it in any case.">
            <Input {...described(id('code'), errors.code)} name="code" defaultValue={coupon?.code ?? ''} maxLength={32} autoComplete="off" className="font-mono uppercase" />
          </Field>
          <Field id={id('kind')} label="Type" error={errors.kind}>
            <Select id={id('kind')} name="kind" value={kind} onChange={(e) => setKind(e.target.value as Coupon['kind'])}>
              <option value="percent">Percentage off</option>
              <option value="fixed">Fixed amount off</option>
            </Select>
          </Field>
          <Field id={id('value')} label={kind === 'percent' ? 'Percent off' : 'Amount off (USD)'} error={errors.value} hint={kind === 'percent' ? '1 to 100' : MONEY_HINT}>
            <Input {...described(id('value'), errors.value)} name="value" inputMode="decimal" defaultValue={valueDefault} key={kind} />
          </Field>
          <Field id={id('min')} label="Minimum subtotal (USD)" error={errors.minSubtotalCents} hint="Optional: the order's lines must add up to this.">
            <Input {...described(id('min'), errors.minSubtotalCents)} name="minSubtotal" inputMode="decimal" defaultValue={coupon?.minSubtotalCents != null ? centsToInput(coupon.minSubtotalCents) : ''} />
          </Field>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800 sm:col-span-2">
            <input type="checkbox" name="isActive" defaultChecked={coupon?.isActive ?? true} className="size-4 rounded border-slate-300" />
            Active (customers can use it)
          </label>
        </div>
      </Card>
      <Card title="Validity and limits">
        <div className="grid gap-4 p-4 sm:grid-cols-2">
          <Field id={id('starts')} label="Starts" error={errors.startsAt} hint="Optional; your local time.">
            <Input {...described(id('starts'), errors.startsAt)} type="datetime-local" name="startsAt" defaultValue={isoToLocalInput(coupon?.startsAt ?? null)} />
          </Field>
          <Field id={id('ends')} label="Ends" error={errors.endsAt} hint="Optional; your local time.">
            <Input {...described(id('ends'), errors.endsAt)} type="datetime-local" name="endsAt" defaultValue={isoToLocalInput(coupon?.endsAt ?? null)} />
          </Field>
          <Field id={id('limit')} label="Total uses" error={errors.usageLimit} hint="Optional: how many orders may carry it in all.">
            <Input {...described(id('limit'), errors.usageLimit)} name="usageLimit" inputMode="numeric" defaultValue={coupon?.usageLimit ?? ''} />
          </Field>
          <Field id={id('per-customer')} label="Uses per customer" error={errors.perCustomerLimit} hint="Optional.">
            <Input {...described(id('per-customer'), errors.perCustomerLimit)} name="perCustomerLimit" inputMode="numeric" defaultValue={coupon?.perCustomerLimit ?? ''} />
          </Field>
        </div>
      </Card>
      <Card title="Applies to">
        <div className="grid gap-4 p-4 lg:grid-cols-2">
          <ProductPicker selected={productIds} onChange={setProductIds} error={errors.productIds} />
          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium text-slate-800">Categories</legend>
            <div className="max-h-56 space-y-1 overflow-y-auto rounded-md border border-slate-300 p-2">
              {categories.options.length === 0 ? <p className="text-sm text-slate-600">No categories.</p> : null}
              {categories.options.map((c) => (
                <label key={c.id} className="flex items-center gap-2 text-sm text-slate-800" style={{ paddingLeft: `${c.depth}rem` }}>
                  <input
                    type="checkbox"
                    className="size-4 rounded border-slate-300"
                    checked={categoryIds.includes(c.id)}
                    onChange={(e) => setCategoryIds((ids) => (e.target.checked ? [...ids, c.id] : ids.filter((x) => x !== c.id)))}
                  />
                  {c.name}
                </label>
              ))}
            </div>
            <p className={cx('text-xs', errors.categoryIds ? 'text-red-700' : 'text-slate-600')}>
              {errors.categoryIds ?? 'With no product or category chosen, it applies to the whole order.'}
            </p>
          </fieldset>
        </div>
      </Card>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Button kind="primary" type="submit" busy={create.isPending || update.isPending}>
          {coupon ? 'Save coupon' : 'Create coupon'}
        </Button>
        {coupon ? (
          <ConfirmButton
            label="Delete coupon"
            question={`Delete ${coupon.code}? Orders that used it keep their discount.`}
            busy={remove.isPending}
            onConfirm={() => remove.mutate({ id: coupon.id })}
          />
        ) : null}
      </div>
    </form>
  );
}

/** Finds products by name or SKU and keeps the chosen ones as removable chips. */
function ProductPicker({ selected, onChange, error }: { selected: number[]; onChange: (ids: number[]) => void; error?: string | undefined }) {
  const trpc = useTRPC();
  const [q, setQ] = useState('');
  const found = useQuery(trpc.products.list.queryOptions({ q: q.trim(), limit: 8 }, { enabled: q.trim().length >= 2 }));
  const names = useQueries({ queries: selected.map((id) => trpc.products.byId.queryOptions({ id }, { staleTime: 300_000 })) });
  const nameOf = (id: number, index: number) => names[index]?.data?.name ?? `Product #${id}`;
  return (
    <div className="space-y-1.5">
      <label htmlFor="coupon-product-search" className="block text-sm font-medium text-slate-800">
        Products
      </label>
      {selected.length > 0 ? (
        <ul aria-label="Chosen products" className="flex flex-wrap gap-2">
          {selected.map((id, index) => (
            <li key={id} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-3 pr-1 text-sm text-indigo-900">
              {nameOf(id, index)}
              <button
                type="button"
                aria-label={`Remove ${nameOf(id, index)}`}
                className="rounded-full px-1.5 text-indigo-700 hover:bg-indigo-100"
                onClick={() => onChange(selected.filter((x) => x !== id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id="coupon-product-search"
        type="search"
        className={inputClass}
        placeholder="Search products to add"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-describedby={error ? 'coupon-products-error' : undefined}
      />
      {q.trim().length >= 2 && found.data ? (
        <ul aria-label="Matching products" className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {found.data.items.length === 0 ? <li className="px-3 py-2 text-sm text-slate-600">No product matches.</li> : null}
          {found.data.items.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                disabled={selected.includes(p.id)}
                className="w-full px-3 py-2 text-left text-sm text-slate-800 hover:bg-slate-50 disabled:text-slate-400"
                onClick={() => (onChange([...selected, p.id]), setQ(''))}
              >
                {p.name}
                {selected.includes(p.id) ? ' (added)' : ''}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {error ? (
        <p id="coupon-products-error" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

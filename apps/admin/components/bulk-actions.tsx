'use client';

import { bulkProductsInput, MAX_BULK_PRODUCTS, MAX_PRICE_CHANGE_PERCENT, MIN_PRICE_CHANGE_PERCENT } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage, useTRPC, type RouterInputs } from '@/lib/trpc';
import type { CategoryOption } from '@/lib/use-categories';
import { Button, Input, Select } from './ui';

type BulkInput = RouterInputs['products']['bulk'];
export type BulkTarget = BulkInput['target'];
type ActionType = BulkInput['action']['type'];

const actionLabels: Record<ActionType, string> = {
  activate: 'Activate',
  deactivate: 'Deactivate',
  archive: 'Archive',
  setCategory: 'Set category',
  changePrice: 'Change price by %',
};

const products = (n: number) => `${n.toLocaleString('en-US')} product${n === 1 ? '' : 's'}`;

function question(action: BulkInput['action'], count: number, categoryName: string): string {
  const them = products(count);
  switch (action.type) {
    case 'activate':
      return `Activate ${them}? They go on sale at once.`;
    case 'deactivate':
      return `Deactivate ${them}? Shoppers stop seeing them at once.`;
    case 'archive':
      return `Archive ${them}? They leave the catalog for good (past orders keep them).`;
    case 'setCategory':
      return `Move ${them} to ${categoryName}?`;
    case 'changePrice':
      return `${action.percent > 0 ? 'Raise' : 'Lower'} every variant price of ${them} by ${Math.abs(action.percent)} %? Prices round to the nearest cent.`;
  }
}

/**
 * The products list's bulk bar: what is selected (rows, or everything the filter matches), an
 * action, and a confirmation that names the count before anything changes.
 */
export function BulkActions(props: {
  selectedIds: number[];
  /** Everything matching the list's filter, when the user chose it; its count is the list's total. */
  matching: { filter: Extract<BulkTarget, { kind: 'filter' }>['filter']; total: number } | null;
  pageFullySelected: boolean;
  total: number;
  onSelectMatching: () => void;
  onClear: () => void;
  categories: CategoryOption[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [type, setType] = useState<ActionType>('deactivate');
  const [categoryId, setCategoryId] = useState('');
  const [percent, setPercent] = useState('');
  const [pending, setPending] = useState<{ input: BulkInput; count: number; text: string } | null>(null);
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState<string>();
  const bulk = useMutation(
    trpc.products.bulk.mutationOptions({
      onSuccess: (result, input) => {
        const verb = actionLabels[input.action.type].replace(' by %', '');
        const text = `${verb}: ${products(result.changed)} changed${pending && result.changed < pending.count ? ` (${(pending.count - result.changed).toLocaleString('en-US')} already were)` : ''}.`;
        setOutcome(text);
        toast.success(text);
        setPending(null);
        props.onClear();
      },
      onError: (e) => {
        setProblem(errorMessage(e));
        toast.error(errorMessage(e));
      },
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() }),
    }),
  );

  const count = props.matching ? props.matching.total : props.selectedIds.length;
  const target: BulkTarget = props.matching ? { kind: 'filter', filter: props.matching.filter } : { kind: 'ids', ids: props.selectedIds };

  const review = () => {
    setProblem(undefined);
    setOutcome(undefined);
    const action =
      type === 'setCategory'
        ? { type, categoryId: categoryId === 'none' ? null : Number(categoryId) }
        : type === 'changePrice'
          ? { type, percent: Number(percent) }
          : { type };
    const parsed = bulkProductsInput.safeParse({ target, action });
    if (type === 'setCategory' && categoryId === '') return setProblem('Choose a category.');
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return setProblem(
        issue?.path.includes('percent')
          ? `Enter a whole percentage from ${MIN_PRICE_CHANGE_PERCENT} to ${MAX_PRICE_CHANGE_PERCENT}, not 0.`
          : (issue?.message ?? 'Check the action.'),
      );
    }
    if (count > MAX_BULK_PRODUCTS) return setProblem(`At most ${products(MAX_BULK_PRODUCTS)} at once: narrow the filter.`);
    const categoryName = categoryId === 'none' ? 'no category' : (props.categories.find((c) => c.id === Number(categoryId))?.path ?? 'the category');
    setPending({ input: parsed.data, count, text: question(parsed.data.action, count, categoryName) });
  };

  return (
    <div className="space-y-3 border-b border-slate-200 bg-indigo-50/60 px-4 py-3" role="region" aria-label="Bulk actions">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-800">
        <span className="font-medium" aria-live="polite">
          {props.matching
            ? `All ${products(props.matching.total)} matching this filter are selected.`
            : props.selectedIds.length
              ? `${products(props.selectedIds.length)} selected.`
              : 'Tick products to act on several at once.'}
        </span>
        {!props.matching && props.pageFullySelected && props.total > props.selectedIds.length ? (
          <button type="button" className="font-medium text-indigo-700 underline" onClick={props.onSelectMatching}>
            Select all {products(props.total)} matching this filter
          </button>
        ) : null}
        {count ? (
          <button type="button" className="text-slate-700 underline" onClick={props.onClear}>
            Clear selection
          </button>
        ) : null}
      </div>
      {pending ? (
        <div role="alertdialog" aria-label="Confirm bulk action" aria-describedby="bulk-question" className="flex flex-wrap items-center gap-3">
          <p id="bulk-question" className="text-sm font-medium text-slate-900">
            {pending.text}
          </p>
          <Button kind={pending.input.action.type === 'archive' ? 'danger' : 'primary'} busy={bulk.isPending} onClick={() => bulk.mutate(pending.input)}>
            {actionLabels[pending.input.action.type].replace(' by %', '')} {products(pending.count)}
          </Button>
          <Button autoFocus onClick={() => setPending(null)}>
            Cancel
          </Button>
        </div>
      ) : count === 0 ? null : (
        <div className="flex flex-wrap items-end gap-2">
          <div className="w-full sm:w-52">
            <Select aria-label="Bulk action" value={type} onChange={(e) => setType(e.target.value as ActionType)}>
              {Object.entries(actionLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </Select>
          </div>
          {type === 'setCategory' ? (
            <div className="w-full sm:w-64">
              <Select aria-label="New category" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
                <option value="">Choose a category…</option>
                <option value="none">No category</option>
                {props.categories.map((c) => (
                  <option key={c.id} value={c.id}>
                    {'\u2003'.repeat(c.depth)}
                    {c.name}
                  </option>
                ))}
              </Select>
            </div>
          ) : null}
          {type === 'changePrice' ? (
            <div className="w-36">
              <Input
                aria-label="Price change in percent"
                type="number"
                inputMode="numeric"
                step={1}
                min={MIN_PRICE_CHANGE_PERCENT}
                max={MAX_PRICE_CHANGE_PERCENT}
                placeholder="e.g. 10 or -20"
                value={percent}
                onChange={(e) => setPercent(e.target.value)}
              />
            </div>
          ) : null}
          <Button kind="primary" disabled={count === 0} onClick={review}>
            Apply…
          </Button>
        </div>
      )}
      {problem ? (
        <p role="alert" className="text-sm text-red-700">
          {problem}
        </p>
      ) : null}
      {outcome ? <p className="text-sm text-green-800">{outcome}</p> : null}
    </div>
  );
}

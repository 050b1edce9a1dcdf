'use client';

import { importProductsCsvInput } from '@commerce/core/schemas';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState, type ChangeEvent, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Button, Card, linkButton, PageHeader, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';

type Plan = RouterOutputs['products']['importCsv'];

const MAX_CHARS = importProductsCsvInput.shape.csv.maxLength ?? 1_000_000;
const SHOWN_CHANGES = 100;
const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A table of file lines: the line number, then two columns of its own. */
function LineTable({ caption, columns, children }: { caption: string; columns: [string, string]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={`${th} w-20`}>
              Line
            </th>
            {columns.map((name) => (
              <th key={name} scope="col" className={th}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </div>
  );
}

export default function ImportProductsPage() {
  const trpc = useTRPC();
  const inputId = useId();
  const [file, setFile] = useState<{ name: string; csv: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [plan, setPlan] = useState<Plan | null>(null);
  const dryRun = useMutation(trpc.products.importCsv.mutationOptions());
  const apply = useMutation(trpc.products.importCsv.mutationOptions());

  const choose = async (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFile(null);
    setPlan(null);
    setProblem(null);
    dryRun.reset();
    apply.reset();
    if (!chosen) return;
    const csv = await chosen.text();
    if (csv.length > MAX_CHARS) {
      setProblem(`${chosen.name} is ${(chosen.size / 1_000_000).toFixed(1)} MB; one import takes at most ${MAX_CHARS / 1_000_000} MB. Split it into smaller files.`);
      return;
    }
    if (!csv.trim()) {
      setProblem(`${chosen.name} is empty.`);
      return;
    }
    setFile({ name: chosen.name, csv });
    dryRun.mutate({ csv, apply: false }, { onSuccess: setPlan, onError: (e) => setProblem(errorMessage(e)) });
  };

  const runImport = () => {
    if (!file) return;
    apply.mutate(
      { csv: file.csv, apply: true },
      {
        onSuccess: (result) => {
          setPlan(result);
          // Someone may have changed the catalog since the dry run: the server then refuses every row.
          if (result.applied) toast.success(`Imported ${file.name}.`);
          else toast.error('Nothing was imported: the file has problems now. See below.');
        },
        onError: (e) => toast.error(errorMessage(e)),
      },
    );
  };

  const refused = plan ? new Set(plan.errors.map((e) => e.line)).size : 0;
  const changes = plan ? plan.create.length + plan.update.length : 0;

  return (
    <>
      <p className="mb-2 text-sm">
        <TextLink href="/products">← Products</TextLink>
      </p>
      <PageHeader
        title="Import products"
        description="Update names, prices and stock from a CSV file laid out like the export. Rows match products by SKU; a new SKU creates a product."
      />
      <div className="space-y-6">
        <Card title="CSV file">
          <div className="space-y-3 p-4">
            <label htmlFor={inputId} className="block text-sm font-medium text-slate-900">
              Choose a file
            </label>
            <input
              id={inputId}
              type="file"
              accept=".csv,text/csv"
              onChange={(e) => void choose(e)}
              aria-describedby={`${inputId}-hint`}
              className="block w-full text-sm text-slate-700 file:mr-3 file:min-h-10 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3.5 file:py-2 file:text-sm file:font-medium file:text-slate-800 hover:file:bg-slate-50"
            />
            <p id={`${inputId}-hint`} className="text-sm text-slate-600">
              Required columns: sku, product_name, price_cents, stock. Up to {MAX_CHARS / 1_000_000} MB. Nothing changes until you apply the import.
            </p>
            {problem ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
                {problem}
              </p>
            ) : null}
          </div>
        </Card>

        {dryRun.isPending ? (
          <Card>
            <TableSkeleton rows={4} label="Checking the file" />
          </Card>
        ) : plan && file ? (
          <>
            <Card title={plan.applied ? `Imported ${file.name}` : `Dry run of ${file.name}`}>
              <dl className="grid grid-cols-2 gap-px bg-slate-200 sm:grid-cols-4">
                {[
                  { label: plan.applied ? 'Created' : 'To create', value: plan.create.length },
                  { label: plan.applied ? 'Updated' : 'To update', value: plan.update.length },
                  { label: 'Unchanged', value: plan.unchanged },
                  { label: 'Refused', value: refused, bad: refused > 0 },
                ].map((stat) => (
                  <div key={stat.label} className="bg-white p-4">
                    <dt className="text-sm text-slate-600">{stat.label}</dt>
                    <dd className={`mt-1 text-2xl font-semibold tabular-nums ${stat.bad ? 'text-red-700' : 'text-slate-900'}`}>{stat.value.toLocaleString('en-US')}</dd>
                  </div>
                ))}
              </dl>
              <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 p-4">
                {plan.applied ? (
                  <>
                    <p className="text-sm text-slate-800">
                      {count(plan.create.length, 'product', 'products')} created, {count(plan.update.length, 'row', 'rows')} updated.
                    </p>
                    <Link href="/products" className={linkButton.primary}>
                      Back to products
                    </Link>
                  </>
                ) : (
                  <>
                    <Button kind="primary" busy={apply.isPending} disabled={plan.errors.length > 0 || changes === 0} onClick={runImport}>
                      Apply import
                    </Button>
                    <p className="text-sm text-slate-600">
                      {plan.errors.length > 0
                        ? 'Fix the problems below in your file and choose it again: a file with problems changes nothing.'
                        : changes === 0
                          ? 'Every row matches the catalog already: nothing to import.'
                          : `Applies all ${count(changes, 'change', 'changes')} at once.`}
                    </p>
                  </>
                )}
              </div>
            </Card>

            {plan.errors.length > 0 ? (
              <Card title={`Problems (${plan.errors.length.toLocaleString('en-US')})`}>
                <LineTable caption="Problems in the file" columns={['Column', 'Problem']}>
                      {plan.errors.map((e, i) => (
                        <tr key={i}>
                          <td className={`${td} tabular-nums`}>{e.line === 1 ? '1 (header)' : e.line}</td>
                          <td className={td}>{e.column ? <code className="text-xs">{e.column}</code> : <span className="text-slate-600">Whole line</span>}</td>
                          <td className={td}>{e.message.charAt(0).toUpperCase() + e.message.slice(1)}</td>
                        </tr>
                      ))}
                </LineTable>
              </Card>
            ) : null}

            {changes > 0 ? (
              <Card title={plan.applied ? 'Changes made' : 'Changes to make'}>
                <LineTable caption={plan.applied ? 'Changes made' : 'Changes to make'} columns={['SKU', 'Change']}>
                      {[...plan.create.map((c) => ({ line: c.line, sku: c.sku, what: `New product: ${c.name}` })), ...plan.update.map((u) => ({ line: u.line, sku: u.sku, what: `Updates ${u.fields.join(', ')}` }))]
                        .sort((a, b) => a.line - b.line)
                        .slice(0, SHOWN_CHANGES)
                        .map((row) => (
                          <tr key={row.line}>
                            <td className={`${td} tabular-nums`}>{row.line}</td>
                            <td className={`${td} whitespace-nowrap`}>
                              <code className="text-xs">{row.sku}</code>
                            </td>
                            <td className={td}>{row.what}</td>
                          </tr>
                        ))}
                </LineTable>
                {changes > SHOWN_CHANGES ? (
                  <p className="border-t border-slate-200 px-4 py-3 text-sm text-slate-600">And {count(changes - SHOWN_CHANGES, 'more row', 'more rows')}.</p>
                ) : null}
              </Card>
            ) : null}
          </>
        ) : null}
      </div>
    </>
  );
}

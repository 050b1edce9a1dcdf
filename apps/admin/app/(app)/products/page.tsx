'use client';

import { productSorts } from '@commerce/core/schemas';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { BulkActions } from '@/components/bulk-actions';
import { Thumb } from '@/components/thumb';
import { Badge, Card, EmptyState, ErrorState, Input, linkButton, PageHeader, Pagination, Select, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { money } from '@/lib/format';
import { useTRPC, type RouterInputs } from '@/lib/trpc';
import { useCategories } from '@/lib/use-categories';
import { exportHref, useUrlState } from '@/lib/url-state';

const PAGE_SIZE = 20;
const sortLabels: Record<(typeof productSorts)[number], string> = {
  newest: 'Newest first',
  price_asc: 'Price, low to high',
  price_desc: 'Price, high to low',
  name: 'Name, A to Z',
};
const isSort = (value: string): value is (typeof productSorts)[number] => (productSorts as readonly string[]).includes(value);
const flag = (value: string) => (value === 'true' ? true : value === 'false' ? false : undefined);

export default function ProductsPage() {
  const trpc = useTRPC();
  const url = useUrlState();
  const { options: categoryOptions, byId: categoryById } = useCategories();
  const q = url.get('q');
  const sort = url.get('sort');
  const input: RouterInputs['products']['list'] = {
    page: url.int('page', 1),
    limit: PAGE_SIZE,
    q: q || undefined,
    categoryId: url.int('categoryId'),
    active: flag(url.get('active')),
    inStock: flag(url.get('inStock')),
    sort: isSort(sort) ? sort : 'newest',
  };
  const list = useQuery({ ...trpc.products.list.queryOptions(input), placeholderData: keepPreviousData });
  // Selection belongs to one filter: changing the filter starts it afresh (paging keeps it).
  const filter = useMemo(
    () => ({ q: input.q, categoryId: input.categoryId, active: input.active, inStock: input.inStock }),
    [input.q, input.categoryId, input.active, input.inStock],
  );
  const filterKey = JSON.stringify(filter);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  const clearSelection = () => {
    setSelected(new Set());
    setAllMatching(false);
  };
  useEffect(clearSelection, [filterKey]);
  const pageIds = list.data?.items.map((p) => p.id) ?? [];
  const pageFullySelected = pageIds.length > 0 && pageIds.every((id) => allMatching || selected.has(id));
  const toggle = (id: number) => {
    // Unticking one row of "everything matching" leaves the rest of this page ticked.
    const from = allMatching ? new Set(pageIds) : null;
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(from ?? current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const togglePage = () => {
    setAllMatching(false);
    setSelected((current) => {
      const next = new Set(current);
      for (const id of pageIds) {
        if (pageFullySelected) next.delete(id);
        else next.add(id);
      }
      return next;
    });
  };
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    url.set({ q: search.trim() });
  };

  return (
    <>
      <PageHeader
        title="Products"
        description="Search by name, description or exact SKU."
        actions={
          <>
            <a href={exportHref('products', filter)} download className={linkButton.secondary}>
              Export CSV
            </a>
            <Link href="/products/import" className={linkButton.secondary}>
              Import CSV
            </Link>
            <Link href="/products/new" className={linkButton.primary}>
              New product
            </Link>
          </>
        }
      />
      <Card>
        <div className="grid grid-cols-1 gap-3 border-b border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-4">
          <form role="search" onSubmit={submitSearch} className="flex gap-2 sm:col-span-2 lg:col-span-4">
            <Input aria-label="Search products" type="search" placeholder="Search name, description or SKU" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} />
            <button type="submit" className="rounded-md border border-slate-300 bg-white px-3 text-sm font-medium hover:bg-slate-50">
              Search
            </button>
          </form>
          <Select aria-label="Category" value={url.get('categoryId')} onChange={(e) => url.set({ categoryId: e.target.value })}>
            <option value="">All categories</option>
            {categoryOptions.map((c) => (
              <option key={c.id} value={c.id}>
                {'\u2003'.repeat(c.depth)}
                {c.name}
              </option>
            ))}
          </Select>
          <Select aria-label="Status" value={url.get('active')} onChange={(e) => url.set({ active: e.target.value })}>
            <option value="">Active and inactive</option>
            <option value="true">Active only</option>
            <option value="false">Inactive only</option>
          </Select>
          <Select aria-label="Stock" value={url.get('inStock')} onChange={(e) => url.set({ inStock: e.target.value })}>
            <option value="">Any stock</option>
            <option value="true">In stock</option>
            <option value="false">Out of stock</option>
          </Select>
          <Select aria-label="Sort" value={input.sort} onChange={(e) => url.set({ sort: e.target.value === 'newest' ? '' : e.target.value })}>
            {productSorts.map((s) => (
              <option key={s} value={s}>
                {sortLabels[s]}
              </option>
            ))}
          </Select>
        </div>
        {list.isPending ? (
          <TableSkeleton label="Loading products" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} what="products" />
        ) : list.data.items.length === 0 ? (
          <EmptyState>No products match these filters.</EmptyState>
        ) : (
          <>
            <BulkActions
              selectedIds={[...selected]}
              matching={allMatching ? { filter, total: list.data.total } : null}
              pageFullySelected={pageFullySelected}
              total={list.data.total}
              onSelectMatching={() => setAllMatching(true)}
              onClear={clearSelection}
              categories={categoryOptions}
            />
            <div className="overflow-x-auto" aria-busy={list.isFetching}>
              <table className="w-full min-w-[22rem]">
                <caption className="sr-only">Products</caption>
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className="w-10 py-2.5 pl-4">
                      <input type="checkbox" className="size-4" aria-label="Select every product on this page" checked={pageFullySelected} onChange={togglePage} />
                    </th>
                    <th scope="col" className={th}>Product</th>
                    <th scope="col" className={`${th} hidden md:table-cell`}>Category</th>
                    <th scope="col" className={`${th} text-right`}>Price</th>
                    <th scope="col" className={`${th} text-right`}>Stock</th>
                    <th scope="col" className={th}>Status</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {list.data.items.map((product) => (
                    <tr key={product.id} className="hover:bg-slate-50">
                      <td className="w-10 py-3 pl-4">
                        <input
                          type="checkbox"
                          className="size-4"
                          aria-label={`Select ${product.name}`}
                          checked={allMatching || selected.has(product.id)}
                          onChange={() => toggle(product.id)}
                        />
                      </td>
                      <td className={td}>
                        <div className="flex items-center gap-3">
                          <Thumb src={product.images[0]?.sizes.thumb} alt="" className="size-10" />
                          <div className="min-w-0">
                            <TextLink href={`/products/${product.id}`}>{product.name}</TextLink>
                            <p className="text-xs text-slate-600">
                              {product.variants.length > 1 ? `${product.variants.length} variants` : (product.sku ?? 'No SKU')}
                            </p>
                          </div>
                        </div>
                      </td>
                      <td className={`${td} hidden md:table-cell`}>{product.categoryId ? (categoryById.get(product.categoryId)?.path ?? '…') : <span className="text-slate-500">None</span>}</td>
                      <td className={`${td} text-right tabular-nums`}>{money(product.priceCents, product.currency)}</td>
                      <td className={`${td} text-right tabular-nums`}>
                        {product.stock === 0 ? <span className="font-semibold text-red-700">Out</span> : product.stock.toLocaleString('en-US')}
                      </td>
                      <td className={td}>{product.isActive ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination page={list.data.page} totalPages={list.data.totalPages} total={list.data.total} noun={['product', 'products']} onPage={(page) => url.set({ page })} />
          </>
        )}
      </Card>
    </>
  );
}

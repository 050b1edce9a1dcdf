'use client';

import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC, type RouterOutputs } from './trpc';

export type Category = RouterOutputs['categories']['list']['items'][number];
export type CategoryOption = Category & { depth: number; path: string };

/** The category tree flattened depth-first, each with its depth and full path ("Apparel › Men"). */
export function flattenTree(items: Category[]): CategoryOption[] {
  const children = new Map<number | null, Category[]>();
  for (const c of items) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c]);
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  const out: CategoryOption[] = [];
  const walk = (parentId: number | null, depth: number, prefix: string) => {
    for (const c of children.get(parentId) ?? []) {
      const path = prefix ? `${prefix} › ${c.name}` : c.name;
      out.push({ ...c, depth, path });
      walk(c.id, depth + 1, path);
    }
  };
  walk(null, 0, '');
  return out;
}

export function useCategories() {
  const trpc = useTRPC();
  const query = useQuery(trpc.categories.list.queryOptions());
  const options = useMemo(() => flattenTree(query.data?.items ?? []), [query.data]);
  const byId = useMemo(() => new Map(options.map((c) => [c.id, c])), [options]);
  return { query, options, byId };
}

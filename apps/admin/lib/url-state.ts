'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef } from 'react';

/**
 * A list's state (search, filters, sort, page) lives in the URL: back/forward, reload and a
 * shared link restore it. Empty values are dropped so URLs stay short; any change other than
 * the page itself goes back to page 1.
 */
export function useUrlState() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  // A change made before the router has rendered the previous one builds on that one, so two
  // quick filter changes both stick.
  const pending = useRef<string | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [params]);
  const set = useCallback(
    (changes: Record<string, string | number | undefined | null>) => {
      const next = new URLSearchParams(pending.current ?? params.toString());
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === null || value === '') next.delete(key);
        else next.set(key, String(value));
      }
      if (!('page' in changes)) next.delete('page');
      const query = next.toString();
      pending.current = query;
      router.push(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  const get = useCallback((key: string) => params.get(key) ?? '', [params]);
  /** A positive whole number from the URL, else the fallback (a hand-edited URL never breaks the page). */
  const int = useCallback(
    (key: string, fallback?: number) => {
      const value = Number(params.get(key));
      return Number.isInteger(value) && value > 0 ? value : fallback;
    },
    [params],
  );
  return { get, int, set };
}

/** A CSV export's address for a list's filters (empty ones dropped): a plain link, so the browser downloads it with the session cookie. */
export function exportHref(name: 'products' | 'orders', filter: Record<string, string | number | boolean | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') query.set(key, String(value));
  const search = query.toString();
  return `/api/exports/${name}.csv${search ? `?${search}` : ''}`;
}

'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { money, statusLabels } from '@/lib/format';
import { useTRPC } from '@/lib/trpc';
import { cx, inputClass } from './ui';

/** Asks the palette to open (the search buttons in the sidebar and the phone header). */
export const openPalette = () => window.dispatchEvent(new Event('commerce:open-palette'));

/** `g` then one of these keys goes to a page. */
const goTo: Record<string, { href: string; label: string }> = {
  h: { href: '/', label: 'Home' },
  p: { href: '/products', label: 'Products' },
  c: { href: '/categories', label: 'Categories' },
  o: { href: '/orders', label: 'Orders' },
  u: { href: '/customers', label: 'Customers' },
};

const SEARCH_AFTER_MS = 150;

/** Whether a key press belongs to a field the user is typing in (shortcuts stay out of its way). */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * ⌘K (Ctrl+K, or `/`) finds products by name or SKU, orders by number or customer, and
 * customers by email or name, in one request; `g o`, `g p`… go to pages; `?` lists the keys.
 */
export function CommandPalette() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let pendingG = false;
    let gTimer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (event: KeyboardEvent) => {
      if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        setOpen((was) => !was);
        return;
      }
      if (event.key === 'Escape') setHelp(false);
      if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) return;
      if (pendingG && goTo[event.key]) {
        event.preventDefault();
        pendingG = false;
        router.push(goTo[event.key]!.href);
      } else if (event.key === 'g') {
        pendingG = true;
        clearTimeout(gTimer);
        gTimer = setTimeout(() => (pendingG = false), 1000);
      } else if (event.key === '/') {
        event.preventDefault();
        setOpen(true);
      } else if (event.key === '?') {
        setHelp((was) => !was);
      }
    };
    const onOpen = () => setOpen(true);
    window.addEventListener('keydown', onKey);
    window.addEventListener('commerce:open-palette', onOpen);
    return () => {
      clearTimeout(gTimer);
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('commerce:open-palette', onOpen);
    };
  }, [router]);

  useEffect(() => {
    const timer = setTimeout(() => setQ(text.trim()), SEARCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text]);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const search = useQuery({
    ...trpc.reports.search.queryOptions({ q, limit: 5 }),
    enabled: open && q.length > 0,
    placeholderData: keepPreviousData,
  });
  const results = useMemo(() => {
    const found = search.data;
    if (!found || q.length === 0) return [];
    return [
      ...found.products.map((p) => ({
        group: 'Products',
        href: `/products/${p.id}`,
        title: p.name,
        detail: [p.sku, p.isActive ? `${p.stock} in stock` : 'Inactive'].filter(Boolean).join(' · '),
      })),
      ...found.orders.map((o) => ({
        group: 'Orders',
        href: `/orders/${o.id}`,
        title: `Order #${o.id}`,
        detail: `${o.email} · ${statusLabels[o.status]} · ${money(o.totalCents, o.currency)}`,
      })),
      ...found.customers.map((c) => ({
        group: 'Customers',
        href: `/customers/${c.id}`,
        title: c.name ?? c.email,
        detail: `${c.name ? `${c.email} · ` : ''}${c.orderCount} ${c.orderCount === 1 ? 'order' : 'orders'}`,
      })),
    ];
  }, [search.data, q]);
  useEffect(() => setActive(0), [results]);

  const close = () => {
    setOpen(false);
    setText('');
    setQ('');
  };
  const choose = (href: string) => {
    close();
    router.push(href);
  };

  return (
    <>
      {open ? (
        <Overlay label="Search the shop" className="max-w-xl overflow-hidden" onClose={close}>
            <input
              ref={input}
              type="search"
              aria-label="Search products, orders and customers"
              placeholder="Products, SKUs, order numbers, customers…"
              className={cx(inputClass, 'rounded-none border-0 border-b border-slate-200 px-4 py-3 text-base focus:ring-0')}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') close();
                else if (event.key === 'ArrowDown') {
                  event.preventDefault();
                  setActive((i) => Math.min(i + 1, results.length - 1));
                } else if (event.key === 'ArrowUp') {
                  event.preventDefault();
                  setActive((i) => Math.max(i - 1, 0));
                } else if (event.key === 'Enter' && results[active]) {
                  event.preventDefault();
                  choose(results[active].href);
                }
              }}
            />
            <div className="max-h-[60vh] overflow-y-auto" aria-live="polite">
              {q.length === 0 ? (
                <p className="px-4 py-6 text-sm text-slate-600">Type a product name or SKU, an order number, or a customer’s email or name.</p>
              ) : search.isError ? (
                <p className="px-4 py-6 text-sm text-red-700">The search could not run. Try again in a moment.</p>
              ) : results.length === 0 && !search.isFetching ? (
                <p className="px-4 py-6 text-sm text-slate-600">Nothing matches “{q}”.</p>
              ) : (
                <ul role="listbox" aria-label="Results">
                  {results.map((result, index) => (
                    <li key={result.href} role="option" aria-selected={index === active}>
                      {index === 0 || results[index - 1]!.group !== result.group ? (
                        <p className="bg-slate-50 px-4 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-600">{result.group}</p>
                      ) : null}
                      <button
                        type="button"
                        className={cx('block w-full px-4 py-2 text-left', index === active ? 'bg-indigo-50' : 'hover:bg-slate-50')}
                        onMouseEnter={() => setActive(index)}
                        onClick={() => choose(result.href)}
                      >
                        <span className="block text-sm font-medium text-slate-900">{result.title}</span>
                        <span className="block truncate text-xs text-slate-600">{result.detail}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </div>
        </Overlay>
      ) : null}
      {help ? (
        <Overlay label="Keyboard shortcuts" className="max-w-sm p-5" onClose={() => setHelp(false)}>
            <h2 className="mb-3 text-base font-semibold text-slate-900">Keyboard shortcuts</h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
              <dt><kbd className="rounded border border-slate-300 px-1.5 text-xs">⌘K</kbd> <kbd className="rounded border border-slate-300 px-1.5 text-xs">/</kbd></dt>
              <dd className="text-slate-700">Search</dd>
              {Object.entries(goTo).map(([key, page]) => (
                <div key={key} className="contents">
                  <dt><kbd className="rounded border border-slate-300 px-1.5 text-xs">g {key}</kbd></dt>
                  <dd className="text-slate-700">Go to {page.label}</dd>
                </div>
              ))}
              <dt><kbd className="rounded border border-slate-300 px-1.5 text-xs">?</kbd></dt>
              <dd className="text-slate-700">Show or hide this list</dd>
            </dl>
        </Overlay>
      ) : null}
    </>
  );
}

/** A dialog over a dimmed page; a press outside it closes it. */
function Overlay({ label, className, onClose, children }: { label: string; className: string; onClose: () => void; children: ReactNode }) {
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center bg-slate-900/40 p-4 pt-[10vh]" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label={label}
        className={cx('w-full rounded-lg bg-white shadow-xl', className)}
        onMouseDown={(event) => event.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}

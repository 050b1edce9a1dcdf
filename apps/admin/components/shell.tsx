'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { toast } from 'sonner';
import { errorStatus, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { CommandPalette, openPalette } from './command-palette';
import { useLiveUpdates } from './live-updates';
import { Button, cx, ErrorState, Skeleton } from './ui';

const nav: { href: string; label: string; adminOnly?: boolean }[] = [
  { href: '/', label: 'Home' },
  { href: '/products', label: 'Products' },
  { href: '/categories', label: 'Categories' },
  { href: '/orders', label: 'Orders' },
  { href: '/customers', label: 'Customers' },
  { href: '/reviews', label: 'Reviews' },
  { href: '/coupons', label: 'Coupons' },
  { href: '/shipping-methods', label: 'Shipping' },
  { href: '/tax-rates', label: 'Tax rates' },
  // Endpoints receive every order's data: admins only, as the API has it.
  { href: '/webhooks', label: 'Webhooks', adminOnly: true },
  { href: '/audit', label: 'Audit log', adminOnly: true },
];

export type Me = RouterOutputs['auth']['me'];

const isActive = (pathname: string, href: string) => (href === '/' ? pathname === '/' : pathname.startsWith(href));

/** Every page behind sign-in: the session is the HttpOnly cookie, checked through auth.me. */
export function AppShell({ children }: { children: (me: Me) => ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const [menuOpen, setMenuOpen] = useState(false);
  const me = useQuery(trpc.auth.me.queryOptions(undefined, { retry: false, staleTime: 60_000 }));
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: () => {
        queryClient.clear();
        router.replace('/login');
      },
    }),
  );
  const signedOut = errorStatus(me.error) === 401;
  const customer = me.data?.role === 'customer';

  useEffect(() => {
    if (signedOut) router.replace(`/login?next=${encodeURIComponent(pathname)}`);
  }, [signedOut, router, pathname]);
  useEffect(() => {
    // A customer session (made on a storefront on this origin) is ended here, never used.
    if (customer && !logout.isPending) {
      toast.error('This is a customer account. The admin is for staff and admins only.');
      logout.mutate();
    }
  }, [customer, logout]);
  useEffect(() => setMenuOpen(false), [pathname]);

  if (me.isPending || signedOut || customer) {
    return (
      <div role="status" aria-label="Loading the admin" className="mx-auto max-w-6xl space-y-4 p-6">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-32 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} what="your account" />;
  const user = me.data;

  const links = (
    <ul className="space-y-1">
      {nav.filter((item) => !item.adminOnly || user.role === 'admin').map((item) => (
        <li key={item.href}>
          <Link
            href={item.href}
            aria-current={isActive(pathname, item.href) ? 'page' : undefined}
            className={cx(
              'block rounded-md px-3 py-2 text-sm font-medium',
              isActive(pathname, item.href) ? 'bg-indigo-50 text-indigo-800' : 'text-slate-700 hover:bg-slate-100',
            )}
          >
            {item.label}
          </Link>
        </li>
      ))}
    </ul>
  );
  const account = (live: LiveStatus) => (
    <div className="border-t border-slate-200 pt-4">
      <LiveIndicator status={live} />
      <p className="truncate text-sm font-medium text-slate-900" title={user.email}>
        {user.name ?? user.email}
      </p>
      <p className="text-xs capitalize text-slate-600">{user.role}</p>
      <Button className="mt-3 w-full" onClick={() => logout.mutate()} busy={logout.isPending}>
        Sign out
      </Button>
    </div>
  );

  return (
    <LiveFeed>
      {(live) => (
        <div className="min-h-screen lg:flex">
          <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
            Skip to content
          </a>
          <header className="sticky top-0 z-30 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 lg:hidden">
            <Link href="/" className="font-semibold text-slate-900">
              Commerce admin
            </Link>
            <div className="flex items-center gap-1">
              <Button kind="ghost" onClick={openPalette}>
                Find
              </Button>
              <Button kind="ghost" aria-expanded={menuOpen} aria-controls="mobile-nav" onClick={() => setMenuOpen((open) => !open)}>
                {menuOpen ? 'Close menu' : 'Menu'}
              </Button>
            </div>
          </header>
          {menuOpen ? (
            <nav id="mobile-nav" aria-label="Main" className="space-y-4 border-b border-slate-200 bg-white p-4 lg:hidden">
              {links}
              {account(live)}
            </nav>
          ) : null}
          <aside className="hidden w-60 shrink-0 flex-col justify-between border-r border-slate-200 bg-white p-4 lg:flex lg:min-h-screen">
            <div>
              <Link href="/" className="mb-6 block px-3 text-lg font-semibold text-slate-900">
                Commerce admin
              </Link>
              <button
            type="button"
            onClick={openPalette}
            className="mb-4 flex w-full items-center justify-between rounded-md border border-slate-300 px-3 py-2 text-sm text-slate-600 hover:bg-slate-50"
          >
            Find anything…
            <kbd className="rounded border border-slate-300 px-1.5 text-xs text-slate-600">⌘K</kbd>
          </button>
          <nav aria-label="Main">{links}</nav>
            </div>
            {account(live)}
          </aside>
          <main id="main" className="min-w-0 flex-1 px-4 py-6 sm:px-6 lg:px-8">
            <div className="mx-auto max-w-6xl">{children(user)}</div>
          </main>
          <CommandPalette />
        </div>
      )}
    </LiveFeed>
  );
}

type LiveStatus = ReturnType<typeof useLiveUpdates>['status'];

/** Subscribes once for the whole signed-in app (mounted only for staff, after sign-in). */
function LiveFeed({ children }: { children: (status: LiveStatus) => ReactNode }) {
  const live = useLiveUpdates();
  return children(live.status);
}

function LiveIndicator({ status }: { status: LiveStatus }) {
  const connected = status === 'pending';
  return (
    <p className="mb-3 flex items-center gap-2 text-xs text-slate-600">
      <span aria-hidden className={cx('h-2 w-2 rounded-full', connected ? 'bg-emerald-500' : 'bg-amber-400')} />
      {connected ? 'Live updates on' : 'Connecting live updates…'}
    </p>
  );
}

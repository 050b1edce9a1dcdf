'use client';

import Link from 'next/link';
import { useState } from 'react';
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { errorMessage } from '@/lib/trpc';
import { statusLabels } from '@/lib/format';

export const cx = (...classes: (string | false | null | undefined)[]) => classes.filter(Boolean).join(' ');

const buttonKinds = {
  primary: 'bg-indigo-600 text-white hover:bg-indigo-700 disabled:bg-indigo-300',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'bg-red-600 text-white hover:bg-red-700 disabled:bg-red-300',
  ghost: 'text-slate-700 hover:bg-slate-100',
};

export function Button({
  kind = 'secondary',
  className,
  busy,
  children,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { kind?: keyof typeof buttonKinds; busy?: boolean }) {
  return (
    <button
      type="button"
      {...props}
      disabled={props.disabled || busy}
      aria-busy={busy || undefined}
      className={cx(
        'inline-flex min-h-10 items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed',
        buttonKinds[kind],
        className,
      )}
    >
      {busy ? <span className="size-3.5 animate-spin rounded-full border-2 border-current border-t-transparent" aria-hidden /> : null}
      {children}
    </button>
  );
}

export const inputClass =
  'block w-full min-h-10 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-500 focus:border-indigo-600 focus:outline-2 focus:outline-indigo-600/30 aria-[invalid=true]:border-red-500';

export function Input(props: InputHTMLAttributes<HTMLInputElement>) {
  return <input {...props} className={cx(inputClass, props.className)} />;
}

export function Select(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return <select {...props} className={cx(inputClass, 'pr-8', props.className)} />;
}

export function Textarea(props: TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <textarea {...props} className={cx(inputClass, props.className)} />;
}

/** A labelled control with its validation message beside it, tied together for screen readers. */
export function Field({
  id,
  label,
  error,
  hint,
  children,
  className,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cx('space-y-1.5', className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Props that wire an input to its Field's message. */
export const described = (id: string, error?: string) => ({
  id,
  'aria-invalid': error ? true : undefined,
  'aria-describedby': error ? `${id}-error` : undefined,
});

export function Card({ children, className, title, action }: { children: ReactNode; className?: string; title?: string; action?: ReactNode }) {
  return (
    <section className={cx('rounded-lg border border-slate-200 bg-white shadow-sm', className)}>
      {title ? (
        <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
          <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
          {action}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: string; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div className={cx('animate-pulse rounded bg-slate-200', className)} aria-hidden />;
}

export function TableSkeleton({ rows = 8, label }: { rows?: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="space-y-3 p-4">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}

export function ErrorState({ error, onRetry, what }: { error: unknown; onRetry: () => void; what: string }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 p-8 text-center">
      <p className="font-medium text-slate-900">Could not load {what}.</p>
      <p className="text-sm text-slate-600">{errorMessage(error)}</p>
      <Button onClick={onRetry}>Try again</Button>
    </div>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="p-8 text-center text-sm text-slate-600">{children}</div>;
}

const statusColors: Record<keyof typeof statusLabels, string> = {
  pending: 'bg-amber-50 text-amber-800 ring-amber-600/30',
  paid: 'bg-sky-50 text-sky-800 ring-sky-600/30',
  shipped: 'bg-indigo-50 text-indigo-800 ring-indigo-600/30',
  delivered: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30',
  cancelled: 'bg-slate-100 text-slate-700 ring-slate-500/30',
  refunded: 'bg-rose-50 text-rose-800 ring-rose-600/30',
};

export function StatusBadge({ status }: { status: keyof typeof statusLabels }) {
  return (
    <span className={cx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', statusColors[status])}>
      {statusLabels[status]}
    </span>
  );
}

export function Badge({ children, tone = 'slate' }: { children: ReactNode; tone?: 'slate' | 'green' | 'amber' | 'red' }) {
  const tones = {
    slate: 'bg-slate-100 text-slate-700 ring-slate-500/30',
    green: 'bg-emerald-50 text-emerald-800 ring-emerald-600/30',
    amber: 'bg-amber-50 text-amber-800 ring-amber-600/30',
    red: 'bg-red-50 text-red-800 ring-red-600/30',
  };
  return <span className={cx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', tones[tone])}>{children}</span>;
}

export function Pagination({
  page,
  totalPages,
  total,
  onPage,
  noun,
}: {
  page: number;
  totalPages: number;
  total: number;
  onPage: (page: number) => void;
  /** Singular and plural, e.g. ['product', 'products']. */
  noun: readonly [string, string];
}) {
  return (
    <nav aria-label={`${noun[1]} pages`} className="flex flex-wrap items-center justify-between gap-2 border-t border-slate-200 px-4 py-3 text-sm text-slate-700">
      <p>
        {total.toLocaleString('en-US')} {total === 1 ? noun[0] : noun[1]}
        {totalPages > 1 ? ` · page ${page.toLocaleString('en-US')} of ${totalPages.toLocaleString('en-US')}` : ''}
      </p>
      <div className="flex gap-2">
        <Button onClick={() => onPage(page - 1)} disabled={page <= 1}>
          Previous
        </Button>
        <Button onClick={() => onPage(page + 1)} disabled={page >= totalPages}>
          Next
        </Button>
      </div>
    </nav>
  );
}

export function TextLink({ href, children, className }: { href: string; children: ReactNode; className?: string }) {
  return (
    <Link href={href} className={cx('font-medium text-indigo-700 hover:text-indigo-900 hover:underline', className)}>
      {children}
    </Link>
  );
}

/** th/td styles shared by every table. */
export const th = 'px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-600';
export const td = 'px-4 py-3 text-sm text-slate-800';

/** A link styled as a button (a page to go to, not an action). */
export const linkButton = {
  primary:
    'inline-flex min-h-10 items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
  secondary:
    'inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600',
};

/** A destructive action that asks first, in place: the question, "Yes" and a focused way back. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  busy,
  className,
  ariaLabel,
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  className?: string;
  ariaLabel?: string;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <Button kind="ghost" className={cx('text-red-700 hover:bg-red-50', className)} aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  }
  return (
    <div role="alertdialog" aria-label={question} className="flex flex-wrap items-center gap-2">
      <p className="text-sm text-slate-800">{question}</p>
      <Button kind="danger" busy={busy} onClick={onConfirm}>
        Yes, {label.toLowerCase()}
      </Button>
      <Button autoFocus onClick={() => setAsking(false)}>
        Keep it
      </Button>
    </div>
  );
}

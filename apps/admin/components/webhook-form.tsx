'use client';

import { createWebhookEndpointInput, updateWebhookEndpointInput } from '@commerce/core/schemas';
import { useState, type FormEvent } from 'react';
import { validate, type FieldErrors } from '@/lib/forms';
import type { RouterInputs, RouterOutputs } from '@/lib/trpc';
import { Button, cx, described, Field, Input } from './ui';

export type Endpoint = RouterOutputs['webhookEndpoints']['list']['items'][number];
export const eventTypes = createWebhookEndpointInput.shape.events.element.options;

/** What each event means to the people choosing them. */
export const eventLabels: Record<(typeof eventTypes)[number], string> = {
  'order.created': 'Order placed',
  'order.paid': 'Order paid',
  'order.shipped': 'Order shipped',
  'order.delivered': 'Order delivered',
  'order.cancelled': 'Order cancelled',
  'order.refunded': 'Order refunded',
  'product.updated': 'Product changed',
  'inventory.low_stock': 'Stock running low',
};

export const eventsText = (events: string[]) => events.map((e) => eventLabels[e as keyof typeof eventLabels] ?? e).join(', ');

type Create = RouterInputs['webhookEndpoints']['create'];
type Update = RouterInputs['webhookEndpoints']['update'];

/** Register an endpoint, or change one's URL, events and description (the secret never changes). */
export function WebhookForm({
  endpoint,
  busy,
  errors: serverErrors,
  onCreate,
  onUpdate,
  onCancel,
}: {
  endpoint?: Endpoint;
  busy: boolean;
  errors?: FieldErrors;
  onCreate?: (input: Create, form: HTMLFormElement) => void;
  onUpdate?: (input: Update) => void;
  onCancel?: () => void;
}) {
  const [localErrors, setErrors] = useState<FieldErrors>({});
  const errors = { ...serverErrors, ...localErrors };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const description = String(form.get('description') ?? '').trim();
    const values = { url: form.get('url'), events: form.getAll('events').map(String), description: description || undefined };
    if (endpoint) {
      const result = validate(updateWebhookEndpointInput, { ...values, description: description || null, id: endpoint.id });
      setErrors(result.errors ?? {});
      if (result.data) onUpdate?.(result.data);
    } else {
      const result = validate(createWebhookEndpointInput, values);
      setErrors(result.errors ?? {});
      if (result.data) onCreate?.(result.data, formElement);
    }
  };
  const id = (name: string) => `webhook-${endpoint?.id ?? 'new'}-${name}`;
  return (
    <form onSubmit={submit} noValidate className="space-y-4 p-4" aria-label={endpoint ? 'Edit endpoint' : 'Register an endpoint'}>
      <Field id={id('url')} label="URL" error={errors.url} hint="Where events are POSTed, e.g. https://example.com/hooks/commerce">
        <Input {...described(id('url'), errors.url)} name="url" type="url" defaultValue={endpoint?.url ?? ''} maxLength={2048} placeholder="https://" />
      </Field>
      <fieldset>
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        <div className="mt-1.5 grid gap-1.5 sm:grid-cols-2">
          {eventTypes.map((type) => (
            <label key={type} className="flex items-start gap-2 text-sm text-slate-800">
              <input type="checkbox" name="events" value={type} defaultChecked={endpoint?.events.includes(type)} className="mt-0.5 size-4 rounded border-slate-300" />
              <span>
                {eventLabels[type]} <span className="block font-mono text-xs text-slate-600">{type}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.events ? <p className={cx('mt-1.5 text-sm text-red-700')}>{errors.events === 'Add at least one' ? 'Choose at least one event' : errors.events}</p> : null}
      </fieldset>
      <Field id={id('description')} label="Description" error={errors.description} hint="Optional: who runs it, what for.">
        <Input {...described(id('description'), errors.description)} name="description" defaultValue={endpoint?.description ?? ''} maxLength={200} />
      </Field>
      <div className="flex flex-wrap gap-2">
        <Button kind="primary" type="submit" busy={busy}>
          {endpoint ? 'Save endpoint' : 'Register endpoint'}
        </Button>
        {onCancel ? <Button onClick={onCancel}>Cancel</Button> : null}
      </div>
    </form>
  );
}

/** The signing secret, this once: copy it now, it is never shown again. */
export function SecretOnce({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Clipboard refused (no permission): the text stays selectable.
      setCopied(false);
    }
  };
  return (
    <div role="region" aria-label="Signing secret" className="space-y-3 border-b border-amber-200 bg-amber-50 p-4">
      <p className="text-sm font-medium text-amber-900">Copy the signing secret now: it is shown this once and never again.</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="webhook-secret" className="min-w-0 flex-1 break-all rounded border border-amber-300 bg-white px-3 py-2 font-mono text-sm text-slate-900">
          {secret}
        </code>
        <Button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</Button>
      </div>
      <Button kind="ghost" onClick={onDismiss}>
        I have stored it
      </Button>
    </div>
  );
}

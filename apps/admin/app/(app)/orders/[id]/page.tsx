'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { useMe } from '@/components/me';
import { Button, Card, cx, ErrorState, PageHeader, Skeleton, StatusBadge, td, TextLink, th } from '@/components/ui';
import { auditHref } from '@/lib/audit';
import { formatDateTime, money, statusLabels } from '@/lib/format';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';

type Order = RouterOutputs['orders']['byId'];
type Status = Order['status'];

/** Statuses an order reaches only through payment: it has an invoice number, so its PDF exists. */
const invoiced = new Set<Status>(['paid', 'shipped', 'delivered', 'refunded']);

/** What the customer was charged, as stored at checkout: later price or rate changes never show here. */
function totalsRows(o: Order, refundedCents: number) {
  const days = o.shippingMethod
    ? o.shippingMethod.minDays === o.shippingMethod.maxDays
      ? `${o.shippingMethod.maxDays} days`
      : `${o.shippingMethod.minDays}–${o.shippingMethod.maxDays} days`
    : null;
  const rows: { label: string; detail?: string | null; cents: number; strong?: boolean }[] = [{ label: 'Subtotal', cents: o.subtotalCents }];
  if (o.discountCents > 0 || o.couponCode) rows.push({ label: 'Discount', detail: o.couponCode ? `Coupon ${o.couponCode}` : null, cents: -o.discountCents });
  rows.push({ label: 'Shipping', detail: o.shippingMethod ? `${o.shippingMethod.name} · ${days}` : null, cents: o.shippingCents });
  rows.push({ label: 'Tax', cents: o.taxCents });
  rows.push({ label: 'Total', cents: o.totalCents, strong: true });
  if (refundedCents > 0) rows.push({ label: 'Refunded', cents: -refundedCents });
  return rows;
}

/** What each move is called on its button; cancel and refund send money back, so they ask first. */
const actions: Partial<Record<Status, { label: string; kind: 'primary' | 'danger'; confirm?: string }>> = {
  paid: { label: 'Mark as paid', kind: 'primary' },
  shipped: { label: 'Mark as shipped', kind: 'primary' },
  delivered: { label: 'Mark as delivered', kind: 'primary' },
  cancelled: { label: 'Cancel order', kind: 'danger', confirm: 'Cancel this order? Its stock goes back on the shelf, and a payment is refunded.' },
  refunded: { label: 'Refund', kind: 'danger', confirm: 'Refund this order in full?' },
};

export default function OrderPage() {
  const { id } = useParams<{ id: string }>();
  const orderId = Number(id);
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const queryClient = useQueryClient();
  const valid = Number.isInteger(orderId) && orderId > 0;
  const order = useQuery(trpc.orders.byId.queryOptions({ id: orderId }, { enabled: valid }));
  const context = useQuery(trpc.reports.orderContext.queryOptions({ id: orderId }, { enabled: valid }));
  const [confirming, setConfirming] = useState<Status | null>(null);
  const setStatus = useMutation(
    trpc.orders.setStatus.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.orders.byId.queryKey({ id: updated.id }), updated);
        void queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() });
        toast.success(`Order #${updated.id} is now ${statusLabels[updated.status].toLowerCase()}`);
        setConfirming(null);
      },
      onError: (e) => {
        toast.error(errorMessage(e));
        void order.refetch();
        void context.refetch();
      },
    }),
  );

  if (!valid) return <ErrorState error={new Error('bad id')} onRetry={() => router.push('/orders')} what="this order" />;
  if (order.isPending || context.isPending) {
    return (
      <div role="status" aria-label="Loading order" className="space-y-4">
        <Skeleton className="h-8 w-48" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  }
  if (order.isError || context.isError) {
    return <ErrorState error={order.error ?? context.error} onRetry={() => (void order.refetch(), void context.refetch())} what="this order" />;
  }
  const o = order.data;
  const c = context.data;
  const actorName = (userId: number | null, kind: string) => {
    const person = c.actors.find((a) => a.id === userId);
    return person ? (person.name ?? person.email) : kind === 'system' ? 'Payment provider' : kind === 'customer' ? 'Customer' : 'Staff';
  };
  // Only moves the status machine allows from here, as the server computed them.
  const moves = c.nextStatuses.filter((s) => actions[s]);
  const pending = confirming ? actions[confirming] : null;
  const refundedPayments = c.payments.filter((p) => p.status === 'refunded').reduce((sum, p) => sum + p.amountCents, 0);
  // A refund staff recorded without a provider payment still gave the whole total back.
  const refundedCents = refundedPayments || (o.status === 'refunded' ? o.totalCents : 0);
  const hasInvoice = invoiced.has(o.status) || refundedPayments > 0;

  return (
    <>
      <p className="mb-2 text-sm"><TextLink href="/orders">← Orders</TextLink></p>
      <PageHeader
        title={`Order #${o.id}`}
        description={`Placed ${formatDateTime(o.createdAt)}`}
        actions={
          <div className="flex items-center gap-3">
            {hasInvoice ? (
              <a
                href={`/api/orders/${o.id}/invoice`}
                target="_blank"
                rel="noopener"
                className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50"
              >
                Invoice (PDF)
              </a>
            ) : null}
            <StatusBadge status={o.status} />
          </div>
        }
      />
      <Card title="Next step" className="mb-6">
        <div className="p-4">
          {pending && confirming ? (
            <div role="alertdialog" aria-label="Confirm" className="flex flex-wrap items-center gap-3">
              <p className="text-sm text-slate-800">{pending.confirm}</p>
              <Button kind="danger" busy={setStatus.isPending} onClick={() => setStatus.mutate({ id: o.id, status: confirming })}>
                Yes, {pending.label.toLowerCase()}
              </Button>
              <Button autoFocus onClick={() => setConfirming(null)}>
                Go back
              </Button>
            </div>
          ) : moves.length === 0 ? (
            <p className="text-sm text-slate-600">This order is {statusLabels[o.status].toLowerCase()}: nothing more to do.</p>
          ) : (
            <div className="flex flex-wrap gap-2">
              {moves.map((to) => {
                const action = actions[to]!;
                return (
                  <Button
                    key={to}
                    kind={action.kind}
                    busy={setStatus.isPending && setStatus.variables?.status === to}
                    disabled={setStatus.isPending}
                    onClick={() => (action.confirm ? setConfirming(to) : setStatus.mutate({ id: o.id, status: to }))}
                  >
                    {action.label}
                  </Button>
                );
              })}
            </div>
          )}
        </div>
      </Card>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          <Card title="Items">
            <div className="overflow-x-auto">
              <table className="w-full min-w-[22rem]">
                <thead className="bg-slate-50">
                  <tr>
                    <th scope="col" className={th}>Product</th>
                    <th scope="col" className={`${th} text-right`}>Qty</th>
                    <th scope="col" className={`${th} text-right`}>Price</th>
                    <th scope="col" className={`${th} text-right`}>Total</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {o.items.map((item, index) => (
                    <tr key={`${item.variantId}-${index}`}>
                      <td className={td}>
                        <TextLink href={`/products/${item.productId}`}>{item.name}</TextLink>
                        {(item.variantTitle !== 'Default' || item.sku) && (
                          <div className="text-xs text-slate-500">
                            {[item.variantTitle !== 'Default' && item.variantTitle, item.sku].filter(Boolean).join(' · ')}
                          </div>
                        )}
                      </td>
                      <td className={`${td} text-right tabular-nums`}>{item.quantity}</td>
                      <td className={`${td} text-right tabular-nums`}>{money(item.unitPriceCents, o.currency)}</td>
                      <td className={`${td} text-right tabular-nums`}>{money(item.lineTotalCents, o.currency)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot className="border-t border-slate-200">
                  {totalsRows(o, refundedCents).map((row) => (
                    <tr key={row.label}>
                      <th scope="row" colSpan={3} className={cx(td, 'py-1.5 text-right font-normal', row.strong && 'font-semibold')}>
                        {row.label}
                        {row.detail ? <span className="block text-xs font-normal text-slate-600">{row.detail}</span> : null}
                      </th>
                      <td className={cx(td, 'py-1.5 text-right tabular-nums whitespace-nowrap', row.strong && 'font-semibold')}>{money(row.cents, o.currency)}</td>
                    </tr>
                  ))}
                </tfoot>
              </table>
            </div>
          </Card>
          <Card
            title="Timeline"
            action={me.role === 'admin' ? <TextLink href={auditHref('order', o.id)} className="text-sm">Audit log</TextLink> : null}
          >
            <ol className="space-y-3 p-4">
              {o.events.map((event, index) => (
                <li key={index} className="flex gap-3 text-sm">
                  <span className="mt-1.5 size-2 shrink-0 rounded-full bg-indigo-500" aria-hidden />
                  <div>
                    <p className="text-slate-900">
                      {event.fromStatus ? `${statusLabels[event.fromStatus]} → ${statusLabels[event.toStatus]}` : `Placed as ${statusLabels[event.toStatus].toLowerCase()}`}
                      <span className="text-slate-600"> by {actorName(event.actorUserId, event.actorKind)}</span>
                    </p>
                    <p className="text-xs text-slate-600">{formatDateTime(event.createdAt)}{event.note ? ` · ${event.note}` : ''}</p>
                  </div>
                </li>
              ))}
            </ol>
          </Card>
        </div>
        <div className="space-y-6">
          <Card title="Customer">
            <div className="space-y-1 p-4 text-sm">
              <p className="font-medium text-slate-900">{c.customer.name ?? 'No name given'}</p>
              <p className="break-all text-slate-700">{c.customer.email}</p>
              <TextLink href={`/customers/${c.customer.id}`} className="inline-block pt-2">View customer</TextLink>
            </div>
          </Card>
          <Card title="Shipping address">
            {o.shippingAddress ? (
              <address className="p-4 text-sm not-italic text-slate-800">
                {o.shippingAddress.name}<br />
                {o.shippingAddress.line1}<br />
                {o.shippingAddress.line2 ? <>{o.shippingAddress.line2}<br /></> : null}
                {o.shippingAddress.postalCode} {o.shippingAddress.city}
                {o.shippingAddress.region ? `, ${o.shippingAddress.region}` : ''}<br />
                {o.shippingAddress.country}
                {o.shippingAddress.phone ? <><br />{o.shippingAddress.phone}</> : null}
              </address>
            ) : (
              <p className="p-4 text-sm text-slate-600">No shipping address.</p>
            )}
            {o.shipment ? (
              <p className="border-t border-slate-100 p-4 text-sm text-slate-700">
                Shipped {formatDateTime(o.shipment.shippedAt)}
                {o.shipment.carrier ? ` with ${o.shipment.carrier}` : ''}
                {o.shipment.trackingNumber ? <span className="block break-all text-xs text-slate-600">Tracking {o.shipment.trackingNumber}</span> : null}
              </p>
            ) : null}
          </Card>
          <Card title="Payments">
            {c.payments.length === 0 ? (
              <p className="p-4 text-sm text-slate-600">No payment recorded.</p>
            ) : (
              <ul className="divide-y divide-slate-100">
                {c.payments.map((p) => (
                  <li key={p.id} className="p-4 text-sm">
                    <p className="font-medium text-slate-900">{money(p.amountCents, p.currency)} · {p.status}</p>
                    <p className="break-all text-xs text-slate-600">{p.provider} · {p.providerPaymentId} · {formatDateTime(p.createdAt)}</p>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}

'use client';

import { roleSchema } from '@commerce/core/schemas';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { useMe } from '@/components/me';
import { Badge, Button, Card, EmptyState, ErrorState, PageHeader, Pagination, Select, Skeleton, StatusBadge, TableSkeleton, td, TextLink, th } from '@/components/ui';
import { auditHref } from '@/lib/audit';
import { formatDate, formatDateTime, money, roleLabels } from '@/lib/format';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';

type Customer = RouterOutputs['customers']['byId'];
type Role = Customer['role'];

function RoleCard({ customer }: { customer: Customer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [role, setRole] = useState<Role>(customer.role);
  const [refusal, setRefusal] = useState<string>();
  useEffect(() => setRole(customer.role), [customer.role]);
  const key = trpc.customers.byId.queryKey({ id: customer.id });
  const change = useMutation(
    trpc.users.setRole.mutationOptions({
      // Optimistic: the badge changes at once, and goes back if the server refuses.
      onMutate: (input) => {
        setRefusal(undefined);
        const previous = queryClient.getQueryData(key);
        if (previous) queryClient.setQueryData(key, { ...previous, role: input.role });
        return { previous };
      },
      onError: (e, _input, context) => {
        if (context?.previous) queryClient.setQueryData(key, context.previous);
        setRole(customer.role);
        setRefusal(errorMessage(e));
        toast.error(errorMessage(e));
      },
      onSuccess: (user) => toast.success(`${user.email} is now ${roleLabels[user.role].toLowerCase()}`),
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.customers.pathKey() }),
    }),
  );
  return (
    <Card title="Role">
      <form
        className="space-y-3 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate({ id: customer.id, role });
        }}
      >
        <label htmlFor="role" className="block text-sm font-medium text-slate-800">
          What this person may do
        </label>
        <Select id="role" value={role} onChange={(e) => setRole(roleSchema.parse(e.target.value))} aria-describedby={refusal ? 'role-refusal' : undefined}>
          {roleSchema.options.map((r) => (
            <option key={r} value={r}>
              {roleLabels[r]}
            </option>
          ))}
        </Select>
        {refusal ? (
          <p id="role-refusal" role="alert" className="text-sm text-red-700">
            {refusal}
          </p>
        ) : (
          <p className="text-xs text-slate-600">Staff manage the catalog and orders; admins also manage people. The last admin cannot lose the role.</p>
        )}
        <Button type="submit" kind="primary" disabled={role === customer.role} busy={change.isPending}>
          Change role
        </Button>
      </form>
    </Card>
  );
}

function AddressesCard({ customerId }: { customerId: number }) {
  const trpc = useTRPC();
  const addresses = useQuery(trpc.customers.addresses.queryOptions({ id: customerId }));
  return (
    <Card title="Addresses">
      {addresses.isPending ? (
        <TableSkeleton rows={2} label="Loading addresses" />
      ) : addresses.isError ? (
        <ErrorState error={addresses.error} onRetry={() => void addresses.refetch()} what="addresses" />
      ) : addresses.data.items.length === 0 ? (
        <EmptyState>No saved addresses.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100">
          {addresses.data.items.map((a) => (
            <li key={a.id} className="space-y-1 p-4 text-sm text-slate-800">
              {a.isDefaultShipping || a.isDefaultBilling ? (
                <p className="flex flex-wrap gap-1.5">
                  {a.isDefaultShipping ? <Badge tone="green">Default shipping</Badge> : null}
                  {a.isDefaultBilling ? <Badge tone="green">Default billing</Badge> : null}
                </p>
              ) : null}
              <address className="break-words not-italic">
                <span className="font-medium">{a.name}</span>
                <br />
                {a.line1}
                {a.line2 ? <>, {a.line2}</> : null}
                <br />
                {[a.postalCode, a.city, a.region].filter(Boolean).join(' ')}, {a.country}
                {a.phone ? (
                  <>
                    <br />
                    {a.phone}
                  </>
                ) : null}
              </address>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default function CustomerPage() {
  const { id } = useParams<{ id: string }>();
  const customerId = Number(id);
  const valid = Number.isInteger(customerId) && customerId > 0;
  const trpc = useTRPC();
  const router = useRouter();
  const me = useMe();
  const [page, setPage] = useState(1);
  const customer = useQuery(trpc.customers.byId.queryOptions({ id: customerId }, { enabled: valid }));
  const orders = useQuery(trpc.reports.orders.queryOptions({ userId: customerId, page, limit: 10 }, { enabled: valid }));

  if (!valid) return <ErrorState error={new Error('bad id')} onRetry={() => router.push('/customers')} what="this customer" />;
  if (customer.isPending) {
    return (
      <div role="status" aria-label="Loading customer" className="space-y-4">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (customer.isError) return <ErrorState error={customer.error} onRetry={() => void customer.refetch()} what="this customer" />;
  const c = customer.data;

  return (
    <>
      <p className="mb-2 flex flex-wrap justify-between gap-x-4 gap-y-1 text-sm">
        <TextLink href="/customers">← Customers</TextLink>
        {me.role === 'admin' ? (
          <span className="flex gap-4">
            <TextLink href={auditHref('user', c.id)}>Audit log</TextLink>
            {c.role !== 'customer' ? <TextLink href={`/audit?actor=${c.id}`}>Changes they made</TextLink> : null}
          </span>
        ) : null}
      </p>
      {c.closedAt ? (
        <PageHeader
          title={`Closed account #${c.id}`}
          description={`Customer since ${formatDate(c.createdAt)} · closed ${formatDate(c.closedAt)}; name, email and addresses were erased, orders are kept`}
          actions={<Badge tone="slate">Closed</Badge>}
        />
      ) : (
        <PageHeader title={c.name ?? c.email} description={`${c.email} · customer since ${formatDate(c.createdAt)}`} actions={<Badge tone={c.role === 'customer' ? 'slate' : 'amber'}>{roleLabels[c.role]}</Badge>} />
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card title="Orders" action={<TextLink href={`/orders?userId=${c.id}`} className="text-sm">Open in orders</TextLink>}>
          {orders.isPending ? (
            <TableSkeleton rows={4} label="Loading orders" />
          ) : orders.isError ? (
            <ErrorState error={orders.error} onRetry={() => void orders.refetch()} what="orders" />
          ) : orders.data.items.length === 0 ? (
            <EmptyState>No orders yet.</EmptyState>
          ) : (
            <>
              <div className="overflow-x-auto">
                <table className="w-full min-w-[22rem]">
                  <thead className="bg-slate-50">
                    <tr>
                      <th scope="col" className={th}>Order</th>
                      <th scope="col" className={`${th} hidden sm:table-cell`}>Placed</th>
                      <th scope="col" className={th}>Status</th>
                      <th scope="col" className={`${th} text-right`}>Total</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {orders.data.items.map((o) => (
                      <tr key={o.id}>
                        <td className={td}>
                          <TextLink href={`/orders/${o.id}`}>#{o.id}</TextLink>
                          <span className="block text-xs text-slate-600 sm:hidden">{formatDateTime(o.createdAt)}</span>
                        </td>
                        <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>{formatDateTime(o.createdAt)}</td>
                        <td className={td}><StatusBadge status={o.status} /></td>
                        <td className={`${td} text-right tabular-nums`}>{money(o.totalCents, o.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pagination page={orders.data.page} totalPages={orders.data.totalPages} total={orders.data.total} noun={['order', 'orders']} onPage={setPage} />
            </>
          )}
        </Card>
        <div className="space-y-6">
          <Card title="Summary">
            <dl className="grid grid-cols-2 gap-4 p-4">
              <div>
                <dt className="text-sm text-slate-600">Orders</dt>
                <dd className="text-2xl font-semibold tabular-nums">{c.orderCount}</dd>
              </div>
              <div>
                <dt className="text-sm text-slate-600">Total spent</dt>
                <dd className="text-2xl font-semibold tabular-nums">{money(c.totalSpentCents, c.currency)}</dd>
              </div>
            </dl>
          </Card>
          {c.closedAt ? null : <AddressesCard customerId={c.id} />}
          {me.role === 'admin' && !c.closedAt ? <RoleCard key={c.id} customer={c} /> : null}
        </div>
      </div>
    </>
  );
}

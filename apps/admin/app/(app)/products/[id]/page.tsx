'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams, useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { ImagesCard } from '@/components/images-card';
import { ProductForm } from '@/components/product-form';
import { StockCard } from '@/components/stock-card';
import { useMe } from '@/components/me';
import { Badge, Button, Card, ErrorState, PageHeader, Skeleton, TextLink } from '@/components/ui';
import { auditHref } from '@/lib/audit';
import { formatDateTime } from '@/lib/format';
import { errorMessage, useTRPC } from '@/lib/trpc';

export default function EditProductPage() {
  const { id } = useParams<{ id: string }>();
  const productId = Number(id);
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const me = useMe();
  const product = useQuery(trpc.products.byId.queryOptions({ id: productId }, { enabled: Number.isInteger(productId) && productId > 0 }));
  const archive = useMutation(
    trpc.products.delete.mutationOptions({
      onSuccess: () => {
        toast.success('Product archived: it left the storefront and stays on past orders');
        void queryClient.invalidateQueries({ queryKey: trpc.products.pathKey() });
        router.push('/products');
      },
      onError: (e) => toast.error(errorMessage(e)),
    }),
  );

  if (!Number.isInteger(productId) || productId <= 0) return <ErrorState error={new Error('bad id')} onRetry={() => router.push('/products')} what="this product" />;
  if (product.isPending) {
    return (
      <div role="status" aria-label="Loading product" className="space-y-4">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-96 w-full" />
      </div>
    );
  }
  if (product.isError) return <ErrorState error={product.error} onRetry={() => void product.refetch()} what="this product" />;
  const p = product.data;

  return (
    <>
      <p className="mb-2 flex justify-between gap-4 text-sm">
        <TextLink href="/products">← Products</TextLink>
        {me.role === 'admin' ? <TextLink href={auditHref('product', p.id)}>Audit log</TextLink> : null}
      </p>
      <PageHeader
        title={p.name}
        description={`${p.sku ? `SKU ${p.sku} · ` : ''}Updated ${formatDateTime(p.updatedAt)}`}
        actions={
          confirming ? (
            <div className="flex items-center gap-2" role="group" aria-label="Confirm archiving">
              <span className="text-sm text-slate-700">Archive this product?</span>
              <Button kind="danger" busy={archive.isPending} onClick={() => archive.mutate({ id: p.id })}>
                Yes, archive
              </Button>
              <Button autoFocus onClick={() => setConfirming(false)}>
                Keep it
              </Button>
            </div>
          ) : (
            <Button kind="danger" onClick={() => setConfirming(true)}>
              Archive
            </Button>
          )
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <ProductForm key={p.id} product={p} />
        <div className="space-y-6">
          <StockCard product={p} />
          <ImagesCard product={p} />
          <Card title="Storefront">
            <div className="space-y-2 p-4 text-sm">
              <p>{p.isActive ? <Badge tone="green">Active</Badge> : <Badge>Inactive</Badge>}</p>
              <p className="break-all text-slate-600">Slug: {p.slug}</p>
            </div>
          </Card>
        </div>
      </div>
    </>
  );
}

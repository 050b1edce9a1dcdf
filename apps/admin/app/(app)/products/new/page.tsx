'use client';

import { ProductForm } from '@/components/product-form';
import { PageHeader, TextLink } from '@/components/ui';

export default function NewProductPage() {
  return (
    <>
      <p className="mb-2 text-sm"><TextLink href="/products">← Products</TextLink></p>
      <PageHeader title="New product" />
      <ProductForm />
    </>
  );
}

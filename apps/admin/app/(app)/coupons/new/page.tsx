'use client';

import { CouponForm } from '@/components/coupon-form';
import { PageHeader, TextLink } from '@/components/ui';

export default function NewCouponPage() {
  return (
    <>
      <p className="mb-2 text-sm"><TextLink href="/coupons">← Coupons</TextLink></p>
      <PageHeader title="New coupon" description="Percentage or fixed amount off, with optional limits and a validity window." />
      <CouponForm />
    </>
  );
}

import {
  couponInput,
  couponOutput,
  couponRedemptionPageOutput,
  couponRedemptionsInput,
  createCoupon,
  createShippingMethod,
  createTaxRate,
  deleteCoupon,
  deleteShippingMethod,
  deleteTaxRate,
  idInput,
  listCouponRedemptions,
  listCoupons,
  listShippingMethods,
  listShippingMethodsInput,
  listTaxRates,
  shippingMethodInput,
  shippingMethodOutput,
  taxRateInput,
  taxRateOutput,
  updateCoupon,
  updateCouponInput,
  updateShippingMethod,
  updateShippingMethodInput,
  updateTaxRate,
  updateTaxRateInput,
  type RuleCode,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses, type ErrorResponses } from '../errors';
import { publicProcedure, router, staffProcedure, type RouteMeta } from '../trpc';

const tags = ['pricing'];

interface Managed {
  /** The REST collection, e.g. `/coupons`. */
  path: `/${string}`;
  /** What one item is called in summaries, e.g. `coupon`. */
  what: string;
  /** A conflict creating or changing one (a code or place already taken). */
  taken?: { reason: RuleCode; text: string };
}

/**
 * The meta of POST, PUT /{id} and DELETE /{id} on a table staff manage: the same three routes
 * for coupons, shipping methods and tax rates.
 */
function managedMeta(action: 'create' | 'update' | 'delete', m: Managed): RouteMeta {
  const taken = action === 'delete' ? undefined : m.taken;
  const specific: ErrorResponses = {};
  if (action !== 'create') specific[404] = `No ${m.what} with this id`;
  if (taken) specific[409] = taken.text;
  const route = {
    create: { method: 'POST', path: m.path, summary: `Create a ${m.what} (staff)` },
    update: { method: 'PUT', path: `${m.path}/{id}`, summary: `Change a ${m.what} (staff)`, description: 'The fields sent change; `null` clears an optional one.' },
    delete: { method: 'DELETE', path: `${m.path}/{id}`, summary: `Delete a ${m.what} (staff)`, description: 'Orders placed with it keep what they were charged.' },
  } as const;
  return {
    reasons: taken ? [taken.reason] : [],
    openapi: {
      ...route[action],
      path: route[action].path as `/${string}`,
      tags,
      protect: true,
      errorResponses: errorResponses({ access: 'staff', mutation: true, body: action !== 'delete', input: true }, specific),
    },
  };
}

const coupons: Managed = {
  path: '/coupons',
  what: 'coupon',
  taken: { reason: 'COUPON_CODE_TAKEN', text: 'Another coupon has this code (codes are case-insensitive)' },
};
const shippingMethods: Managed = { path: '/shipping-methods', what: 'shipping method' };
const taxRates: Managed = {
  path: '/tax-rates',
  what: 'tax rate',
  taken: { reason: 'TAX_RATE_TAKEN', text: 'A rate for this country and region already exists' },
};

export const couponsRouter = router({
  list: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/coupons',
        tags,
        summary: 'Coupons with their use (staff)',
        protect: true,
        errorResponses: errorResponses({ access: 'staff' }),
      },
    })
    .input(z.object({}))
    .output(z.object({ items: z.array(couponOutput) }))
    .query(({ ctx }) => listCoupons(ctx.deps)),
  redemptions: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/coupons/{id}/redemptions',
        tags,
        summary: 'Orders that used a coupon (staff)',
        description: 'Newest first: the orders that carry the coupon now, each with what it took off. A cancelled unpaid order gave its use back and is not listed.',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', input: true }, { 404: 'No coupon with this id' }),
      },
    })
    .input(couponRedemptionsInput)
    .output(couponRedemptionPageOutput)
    .query(({ ctx, input }) => listCouponRedemptions(ctx.deps, input)),
  create: staffProcedure
    .meta(managedMeta('create', coupons))
    .input(couponInput)
    .output(couponOutput)
    .mutation(({ ctx, input }) => createCoupon(ctx.deps, ctx.actor, input)),
  update: staffProcedure
    .meta(managedMeta('update', coupons))
    .input(updateCouponInput)
    .output(couponOutput)
    .mutation(({ ctx, input }) => updateCoupon(ctx.deps, ctx.actor, input)),
  delete: staffProcedure
    .meta(managedMeta('delete', coupons))
    .input(idInput)
    .output(couponOutput)
    .mutation(({ ctx, input }) => deleteCoupon(ctx.deps, ctx.actor, input.id)),
});

export const shippingMethodsRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/shipping-methods',
        tags,
        summary: 'Shipping methods, cheapest first',
        description: 'With `country` (ISO 3166-1 alpha-2), those shipping there: a checkout to that country must name one of them.',
        protect: false,
        errorResponses: errorResponses({ access: 'public', input: true }),
      },
    })
    .input(listShippingMethodsInput)
    .output(z.object({ items: z.array(shippingMethodOutput) }))
    .query(({ ctx, input }) => listShippingMethods(ctx.deps, input)),
  create: staffProcedure
    .meta(managedMeta('create', shippingMethods))
    .input(shippingMethodInput)
    .output(shippingMethodOutput)
    .mutation(({ ctx, input }) => createShippingMethod(ctx.deps, ctx.actor, input)),
  update: staffProcedure
    .meta(managedMeta('update', shippingMethods))
    .input(updateShippingMethodInput)
    .output(shippingMethodOutput)
    .mutation(({ ctx, input }) => updateShippingMethod(ctx.deps, ctx.actor, input)),
  delete: staffProcedure
    .meta(managedMeta('delete', shippingMethods))
    .input(idInput)
    .output(shippingMethodOutput)
    .mutation(({ ctx, input }) => deleteShippingMethod(ctx.deps, ctx.actor, input.id)),
});

export const taxRatesRouter = router({
  list: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/tax-rates',
        tags,
        summary: 'Tax rates (staff)',
        description: 'Prices are tax-exclusive; an order is taxed at its region\'s rate when there is one, else its country\'s.',
        protect: true,
        errorResponses: errorResponses({ access: 'staff' }),
      },
    })
    .input(z.object({}))
    .output(z.object({ items: z.array(taxRateOutput) }))
    .query(({ ctx }) => listTaxRates(ctx.deps)),
  create: staffProcedure
    .meta(managedMeta('create', taxRates))
    .input(taxRateInput)
    .output(taxRateOutput)
    .mutation(({ ctx, input }) => createTaxRate(ctx.deps, ctx.actor, input)),
  update: staffProcedure
    .meta(managedMeta('update', taxRates))
    .input(updateTaxRateInput)
    .output(taxRateOutput)
    .mutation(({ ctx, input }) => updateTaxRate(ctx.deps, ctx.actor, input)),
  delete: staffProcedure
    .meta(managedMeta('delete', taxRates))
    .input(idInput)
    .output(taxRateOutput)
    .mutation(({ ctx, input }) => deleteTaxRate(ctx.deps, ctx.actor, input.id)),
});

export * from './schemas';
export { priceOrder, spread, taxOf, type PriceBreakdown, type PricingInput } from './price';
export { createCoupon, deleteCoupon, listCouponRedemptions, listCoupons, updateCoupon } from './coupons';
export { createShippingMethod, deleteShippingMethod, listShippingMethods, updateShippingMethod } from './shipping';
export { createTaxRate, deleteTaxRate, listTaxRates, updateTaxRate } from './tax-rates';

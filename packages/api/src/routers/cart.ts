import {
  addCartItem,
  addCartItemInput,
  cartOutput,
  cartLineRef,
  checkout,
  checkoutInput,
  clearCart,
  getCart,
  removeCartCoupon,
  setCartCoupon,
  setCartCouponInput,
  setCartDelivery,
  setCartDeliveryInput,
  idempotencyKeySchema,
  orderDetailOutput,
  removeCartItem,
  setCartItemInput,
  setCartItemQuantity,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { totalsErrors, totalsReasons } from './orders';
import { authedProcedure, orderingProcedure, router } from '../trpc';

const tags = ['cart'];

export const cartRouter = router({
  get: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/cart',
        tags,
        summary: 'My cart, priced from the catalog',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn' }),
      },
    })
    .input(z.object({}))
    .output(cartOutput)
    .query(({ ctx }) => getCart(ctx.deps, ctx.viewer)),

  addItem: authedProcedure
    .meta({
      reasons: ['CART_FULL', 'QUANTITY_LIMIT', 'VARIANT_REQUIRED', 'VARIANT_MISMATCH'],
      openapi: {
        method: 'POST',
        path: '/cart/items',
        tags,
        summary: 'Add to a cart line',
        description: 'Adds to the quantity already in the cart (at most 1000 per product, 100 products). Takes no stock.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: '`productId` names no product for sale (`data.field` is `productId`)',
            409: 'The cart already holds 100 different products, or the line would pass 1000 units (`data.productId` names the product)',
          },
        ),
      },
    })
    .input(addCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => addCartItem(ctx.deps, ctx.viewer, input)),

  setItem: authedProcedure
    .meta({
      reasons: ['CART_FULL', 'QUANTITY_LIMIT', 'VARIANT_REQUIRED', 'VARIANT_MISMATCH'],
      openapi: {
        method: 'PUT',
        path: '/cart/items/{productId}',
        tags,
        summary: 'Set a cart line quantity (0 removes it)',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            404: 'No product for sale with this id (unknown, inactive and archived read alike)',
            409: 'The cart already holds 100 different products',
          },
        ),
      },
    })
    .input(setCartItemInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => setCartItemQuantity(ctx.deps, ctx.viewer, input)),

  removeItem: authedProcedure
    .meta({
      reasons: ['VARIANT_MISMATCH'],
      openapi: {
        method: 'DELETE',
        path: '/cart/items/{productId}',
        tags,
        summary: 'Remove a cart line',
        description: 'Every line of the product, or only its `variantId` line when given.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, input: true },
          { 404: 'The line is not in the cart and no product for sale has this id' },
        ),
      },
    })
    .input(cartLineRef)
    .output(cartOutput)
    .mutation(({ ctx, input }) => removeCartItem(ctx.deps, ctx.viewer, input)),

  clear: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/cart',
        tags,
        summary: 'Empty the cart',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true }),
      },
    })
    .input(z.object({}))
    .output(cartOutput)
    .mutation(({ ctx }) => clearCart(ctx.deps, ctx.viewer)),

  setCoupon: authedProcedure
    .meta({
      reasons: ['COUPON_INVALID', 'COUPON_EXHAUSTED'],
      openapi: {
        method: 'PUT',
        path: '/cart/coupon',
        tags,
        summary: 'Apply a coupon to my cart',
        description: 'Codes are case-insensitive. The cart answers with the discount; checkout redeems the coupon.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: 'The code is unknown, inactive, outside its validity window, under its minimum subtotal or applies to nothing in the cart (`coupon_invalid`)',
            409: 'The coupon has been used up (`coupon_exhausted`)',
          },
        ),
      },
    })
    .input(setCartCouponInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => setCartCoupon(ctx.deps, ctx.viewer, input)),

  removeCoupon: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/cart/coupon',
        tags,
        summary: 'Take the coupon off my cart',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true }),
      },
    })
    .input(z.object({}))
    .output(cartOutput)
    .mutation(({ ctx }) => removeCartCoupon(ctx.deps, ctx.viewer)),

  setDelivery: authedProcedure
    .meta({
      reasons: ['SHIPPING_METHOD_UNAVAILABLE'],
      openapi: {
        method: 'PUT',
        path: '/cart/delivery',
        tags,
        summary: 'Where and how my cart ships',
        description:
          'Stores the destination and (optionally) the shipping method on the cart, which then answers with shipping and tax: the full total before the order is placed. Checkout uses them when its body leaves them out.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          { 400: '`shippingMethodId` names no method shipping to the address\'s country (`shipping_method_unavailable`)' },
        ),
      },
    })
    .input(setCartDeliveryInput)
    .output(cartOutput)
    .mutation(({ ctx, input }) => setCartDelivery(ctx.deps, ctx.viewer, input)),

  checkout: orderingProcedure
    .meta({
      reasons: [
        'CART_EMPTY',
        'LINE_UNAVAILABLE',
        'OUT_OF_STOCK',
        'ORDER_TOO_LARGE',
        'PENDING_ORDER_LIMIT',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_ORDER_GONE',
        ...totalsReasons,
      ],
      openapi: {
        method: 'POST',
        path: '/cart/checkout',
        tags,
        summary: 'Turn the cart into an order',
        description:
          'Takes the stock of every line or none, creates a pending order priced with its coupon, shipping and tax, and empties the cart. The destination is `shippingAddress`, or `addressId` for a copy of one of the caller\'s saved addresses; it, `couponCode` and `shippingMethodId` default to what PUT /cart/delivery and PUT /cart/coupon stored. A retry with the same `Idempotency-Key` answers the first order.',
        protect: true,
        requestHeaders: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: `an invalid \`Idempotency-Key\` header; the order total is too large; both \`shippingAddress\` and \`addressId\` sent; ${totalsErrors[400]}`,
            404: "`addressId` names none of the caller's saved addresses",
            409: `The cart is empty; a line is no longer available or short of stock (the message and \`data.productId\` name the product); the \`Idempotency-Key\` was already used with a different request; ${totalsErrors[409]}`,
          },
        ),
      },
    })
    .input(checkoutInput)
    .output(orderDetailOutput)
    .mutation(({ ctx, input }) =>
      checkout(ctx.deps, ctx.viewer, {
        ...input,
        idempotencyKey: input.idempotencyKey ?? ctx.req.header('idempotency-key'),
      }),
    ),
});

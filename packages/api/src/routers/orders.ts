import {
  cancelOrder,
  getOrder,
  idempotencyKeySchema,
  listMyOrders,
  listMyOrdersInput,
  listOrders,
  listOrdersInput,
  orderDetailOutput,
  idInput,
  orderPageOutput,
  payOrder,
  payOrderInput,
  payOrderOutput,
  placeOrder,
  placeOrderInput,
  setOrderStatus,
  setOrderStatusInput,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { authedProcedure, orderingProcedure, router, staffProcedure } from '../trpc';

const tags = ['orders'];
/** Another customer's order reads as absent: 404, never 403. */
const notYourOrder = "No order with this id, or (to a customer) another customer's";

/** What pricing an order can refuse, for POST /orders and checkout alike. */
export const totalsReasons = ['COUPON_INVALID', 'COUPON_EXHAUSTED', 'SHIPPING_METHOD_REQUIRED', 'SHIPPING_METHOD_UNAVAILABLE'] as const;
export const totalsErrors = {
  400: 'the coupon does not apply (`coupon_invalid`); methods ship to the destination and none was chosen (`shipping_method_required`) or the one chosen does not ship there (`shipping_method_unavailable`)',
  409: 'the coupon has been used up, in all or by this customer (`coupon_exhausted`)',
};

export const ordersRouter = router({
  create: orderingProcedure
    .meta({
      reasons: [
        'OUT_OF_STOCK',
        'ORDER_TOO_LARGE',
        'VARIANT_REQUIRED',
        'VARIANT_MISMATCH',
        'PENDING_ORDER_LIMIT',
        'IDEMPOTENCY_KEY_REUSED',
        'IDEMPOTENCY_ORDER_GONE',
        ...totalsReasons,
      ],
      openapi: {
        method: 'POST',
        path: '/orders',
        tags,
        summary: 'Place an order',
        description:
          'Prices every line from the catalog, applies the coupon, shipping and tax (`totalCents` = subtotal − discount + shipping + tax) and takes the stock of every line or none (409 naming the product when short). The destination is `shippingAddress`, or `addressId` for a copy of one of the caller\'s saved addresses (a later edit of the address leaves the order as it was). A retry with the same `Idempotency-Key` must carry the same body (coupon, shipping method and address included) and answers the first order.',
        protect: true,
        requestHeaders: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            400: `a \`productId\` names no product for sale (\`data.field\` and \`data.productId\` name it); one product's lines add up to more than 1000 units; the order total is too large; an invalid \`Idempotency-Key\` header; both \`shippingAddress\` and \`addressId\` sent; ${totalsErrors[400]}`,
            404: "`addressId` names none of the caller's saved addresses",
            409: `Not enough stock for a line (the message and \`data.productId\` name the product; nothing is taken); the \`Idempotency-Key\` was already used with a different request; ${totalsErrors[409]}`,
          },
        ),
      },
    })
    .input(placeOrderInput)
    .output(orderDetailOutput)
    .mutation(({ ctx, input }) =>
      placeOrder(ctx.deps, ctx.viewer, {
        ...input,
        idempotencyKey: input.idempotencyKey ?? ctx.req.header('idempotency-key'),
      }),
    ),

  // Before byId: REST paths are matched in declaration order, and `me` would fit `{id}`.
  mine: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders/me',
        tags,
        summary: 'My orders, newest first',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', input: true }),
      },
    })
    .input(listMyOrdersInput)
    .output(orderPageOutput)
    .query(({ ctx, input }) => listMyOrders(ctx.deps, ctx.viewer, input)),

  list: staffProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders',
        tags,
        summary: 'All orders (staff)',
        protect: true,
        errorResponses: errorResponses({ access: 'staff', input: true }),
      },
    })
    .input(listOrdersInput)
    .output(orderPageOutput)
    .query(({ ctx, input }) => listOrders(ctx.deps, ctx.viewer, input)),

  byId: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/orders/{id}',
        tags,
        summary: 'An order with its lines and timeline',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', input: true }, { 404: notYourOrder }),
      },
    })
    .input(idInput)
    .output(orderDetailOutput)
    .query(({ ctx, input }) => getOrder(ctx.deps, ctx.viewer, input.id)),

  cancel: authedProcedure
    .meta({
      reasons: ['ILLEGAL_TRANSITION', 'PAYMENT_PROCESSING', 'PAYMENT_PROVIDER_UNAVAILABLE'],
      openapi: {
        method: 'POST',
        path: '/orders/{id}/cancel',
        tags,
        summary: 'Cancel an order and return its stock',
        description:
          'The owner may cancel while the order is pending; staff and admin also once it is paid, which refunds its Stripe payment first (if Stripe refuses, the order is unchanged: 502).',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, input: true },
          {
            404: notYourOrder,
            409: 'The order can no longer be cancelled: its owner only while it is pending, staff and admin while pending or paid',
            502: 'The refund through the payment provider failed; the order is unchanged',
          },
        ),
      },
    })
    .input(idInput)
    .output(orderDetailOutput)
    .mutation(({ ctx, input }) => cancelOrder(ctx.deps, ctx.viewer, input.id)),

  setStatus: staffProcedure
    .meta({
      reasons: ['ILLEGAL_TRANSITION', 'PAYMENT_PROCESSING', 'PAYMENT_PROVIDER_UNAVAILABLE'],
      openapi: {
        method: 'PUT',
        path: '/orders/{id}/status',
        tags,
        summary: 'Move an order along its status machine (staff)',
        description:
          'pending → paid → shipped → delivered (with `shipped`, optional `carrier` and `trackingNumber` become the order\'s `shipment`); pending or paid → cancelled (stock returned); paid, shipped or delivered → refunded (stock returned only from paid). Anything else is a 409. Cancelling a paid order or refunding one refunds its Stripe payment first: if Stripe refuses, the order is unchanged (502). Without Stripe, mark an order paid here once its money arrived.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            404: 'No order with this id',
            409: 'The status machine does not allow this move from the current status (the message names both); the payment is still processing at Stripe',
            502: 'The refund through the payment provider failed; the order is unchanged',
          },
        ),
      },
    })
    .input(setOrderStatusInput)
    .output(orderDetailOutput)
    .mutation(({ ctx, input }) => setOrderStatus(ctx.deps, ctx.viewer, input)),

  pay: authedProcedure
    .meta({
      reasons: ['ORDER_NOT_PAYABLE', 'NOTHING_TO_PAY'],
      openapi: {
        method: 'POST',
        path: '/orders/{id}/pay',
        tags,
        summary: 'Open (or resume) the payment of my pending order',
        description:
          'Optional body `{ provider: "stripe" | "paypal" }` picks one of the providers this server has configured (the default when omitted; another is a 400). Answers the provider and what the storefront needs: with `stripe`, pass `clientSecret` to Stripe.js; with `paypal`, pass `paymentIntentId` (the PayPal order id) to the PayPal JS SDK or send the payer to `approvalUrl`, and the store captures once PayPal reports the approval. The order becomes `paid` when the provider reports the payment by webhook; the amount is the order total. Calling again, or concurrently, answers the same payment; naming another provider replaces the open payment (the old one is cancelled). With `offline` (no provider configured) no money moves through the store: staff mark the order paid. An order still unpaid after PAYMENT_TIMEOUT_MINUTES is cancelled and its stock returned.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, input: true, body: true },
          {
            403: "Staff or admin paying a customer's order: only the customer who placed it can",
            404: notYourOrder,
            409: 'The order is not pending (paid, shipped, cancelled…), or costs nothing',
            400: 'The named provider is not configured on this server (the message lists those that are)',
            502: 'The payment provider failed or refused the request; try again later',
          },
        ),
      },
    })
    .input(payOrderInput)
    .output(payOrderOutput)
    .mutation(({ ctx, input }) => payOrder(ctx.deps, ctx.viewer, input)),
});

import {
  createdWebhookEndpointOutput,
  createWebhookEndpoint,
  createWebhookEndpointInput,
  deleteWebhookEndpoint,
  idInput,
  listDeliveriesInput,
  listWebhookDeliveries,
  listWebhookEndpoints,
  pageQuery,
  retryWebhookDelivery,
  successOutput,
  updateWebhookEndpoint,
  updateWebhookEndpointInput,
  webhookDeliveryOutput,
  webhookDeliveryPageOutput,
  webhookEndpointOutput,
  webhookEndpointPageOutput,
} from '@commerce/core';
import { errorResponses } from '../errors';
import { adminProcedure, router } from '../trpc';

const tags = ['webhooks'];
const SIGNATURE =
  'Each delivery is a POST of `{ id, type, createdAt, data }` signed with `Commerce-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>`; a non-2xx answer or no answer in 10 s is retried with exponential backoff, 6 tries over about a day, then the delivery is marked failed.';

/** Outgoing webhooks: the admin's endpoints and their delivery log. */
export const webhookEndpointsRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/webhook-endpoints',
        tags,
        summary: 'List webhook endpoints',
        description: 'Admin only. Oldest first; secrets are never shown again after creation.',
        protect: true,
        errorResponses: errorResponses({ access: 'admin', input: true }),
      },
    })
    .input(pageQuery)
    .output(webhookEndpointPageOutput)
    .query(({ ctx, input }) => listWebhookEndpoints(ctx.deps, ctx.viewer, input)),

  create: adminProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/webhook-endpoints',
        tags,
        summary: 'Register a webhook endpoint',
        description: `Admin only. Answers the signing \`secret\` this once. ${SIGNATURE} Private, loopback and link-local addresses are refused at delivery time unless WEBHOOKS_ALLOW_PRIVATE=true.`,
        protect: true,
        errorResponses: errorResponses({ access: 'admin', mutation: true, body: true }),
      },
    })
    .input(createWebhookEndpointInput)
    .output(createdWebhookEndpointOutput)
    .mutation(({ ctx, input }) => createWebhookEndpoint(ctx.deps, ctx.viewer, input)),

  update: adminProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/webhook-endpoints/{id}',
        tags,
        summary: 'Change a webhook endpoint',
        description: 'Admin only. Fields left out stay as they are; `isActive: false` pauses it. The secret does not change.',
        protect: true,
        errorResponses: errorResponses({ access: 'admin', mutation: true, body: true }, { 404: 'No webhook endpoint with this id' }),
      },
    })
    .input(updateWebhookEndpointInput)
    .output(webhookEndpointOutput)
    .mutation(({ ctx, input }) => updateWebhookEndpoint(ctx.deps, ctx.viewer, input)),

  delete: adminProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/webhook-endpoints/{id}',
        tags,
        summary: 'Delete a webhook endpoint',
        description: 'Admin only. Its deliveries and their log go with it.',
        protect: true,
        errorResponses: errorResponses({ access: 'admin', mutation: true, input: true }, { 404: 'No webhook endpoint with this id' }),
      },
    })
    .input(idInput)
    .output(successOutput)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.deps, ctx.viewer, input.id)),

  deliveries: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/webhook-endpoints/{id}/deliveries',
        tags,
        summary: "An endpoint's deliveries",
        description: 'Admin only. Newest first, each with its status, tries, and the last try’s status code, latency and first bytes of the answer.',
        protect: true,
        errorResponses: errorResponses({ access: 'admin', input: true }, { 404: 'No webhook endpoint with this id' }),
      },
    })
    .input(listDeliveriesInput)
    .output(webhookDeliveryPageOutput)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.deps, ctx.viewer, input)),

  retry: adminProcedure
    .meta({
      reasons: ['DELIVERY_PENDING'],
      openapi: {
        method: 'POST',
        path: '/webhook-deliveries/{id}/retry',
        tags,
        summary: 'Send a delivery again',
        description: 'Admin only. Starts a new series of tries at once (the same body and event id); 409 while the delivery is still being tried.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'admin', mutation: true, input: true },
          { 404: 'No webhook delivery with this id', 409: 'The delivery is still being tried' },
        ),
      },
    })
    .input(idInput)
    .output(webhookDeliveryOutput)
    .mutation(({ ctx, input }) => retryWebhookDelivery(ctx.deps, ctx.viewer, input.id)),
});

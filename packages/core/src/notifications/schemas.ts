import { webhookDeliveryStatuses } from '@commerce/db';
import { z } from 'zod';
import { storeEventTypes } from '../outbox';
import { idSchema, pageOutput, pageQuery } from '../pagination';
import { storable, textSchema } from '../text';

const webhookUrl = storable(z.string().trim().max(2048))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }))
  .describe('Where events are POSTed (http or https)');
const eventList = z
  .array(z.enum(storeEventTypes))
  .min(1)
  .max(storeEventTypes.length)
  .refine((events) => new Set(events).size === events.length, 'must not repeat an event')
  .describe('The events this endpoint receives');

export const createWebhookEndpointInput = z.object({
  url: webhookUrl,
  events: eventList,
  description: textSchema(0, 200).optional(),
});
export type CreateWebhookEndpointInput = z.output<typeof createWebhookEndpointInput>;

export const updateWebhookEndpointInput = z.object({
  id: idSchema,
  url: webhookUrl.optional(),
  events: eventList.optional(),
  description: textSchema(0, 200).nullable().optional(),
  isActive: z.boolean().optional().describe('false pauses deliveries: events meanwhile are not sent to it'),
});
export type UpdateWebhookEndpointInput = z.output<typeof updateWebhookEndpointInput>;

export const webhookEndpointOutput = z.object({
  id: z.number().int(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  isActive: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpointDto = z.output<typeof webhookEndpointOutput>;
export const createdWebhookEndpointOutput = webhookEndpointOutput.extend({
  secret: z.string().describe('Signs every delivery (Commerce-Signature); shown this once only'),
});
export const webhookEndpointPageOutput = pageOutput(webhookEndpointOutput);

export const listDeliveriesInput = pageQuery.extend({ id: idSchema });
export type ListDeliveriesInput = z.output<typeof listDeliveriesInput>;

export const webhookDeliveryOutput = z.object({
  id: z.number().int(),
  endpointId: z.number().int(),
  eventId: z.string().describe('The event’s stable id, also the `id` of the body: receivers deduplicate on it'),
  eventType: z.string(),
  status: z.enum(webhookDeliveryStatuses),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  responseStatus: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  responseBody: z.string().nullable().describe('The first bytes of the last answer'),
  error: z.string().nullable().describe('Why the last try failed'),
  createdAt: z.string(),
});
export type WebhookDeliveryDto = z.output<typeof webhookDeliveryOutput>;
export const webhookDeliveryPageOutput = pageOutput(webhookDeliveryOutput);

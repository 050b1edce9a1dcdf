import { randomBytes } from 'node:crypto';
import { webhookDeliveries, webhookEndpoints } from '@commerce/db';
import { count, desc, eq } from 'drizzle-orm';
import { recordChange, actorFor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { enqueue } from '../outbox';
import { offsetOf, pageOf, type Page } from '../pagination';
import { transaction } from '../transaction';
import { requireAdmin, type Viewer } from '../viewer';
import type {
  CreateWebhookEndpointInput,
  ListDeliveriesInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryDto,
  WebhookEndpointDto,
} from './schemas';

/** The outbox job that makes one try of one delivery. */
export const WEBHOOK_DELIVER = 'webhook.deliver';

type EndpointRow = typeof webhookEndpoints.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toEndpointDto({ secret: _secret, ...row }: EndpointRow): WebhookEndpointDto {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export function toDeliveryDto({ body: _body, ...row }: DeliveryRow): WebhookDeliveryDto {
  return {
    ...row,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastAttemptAt: iso(row.lastAttemptAt),
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listWebhookEndpoints(
  deps: Deps,
  viewer: Viewer,
  input: { page: number; limit: number },
): Promise<Page<WebhookEndpointDto>> {
  requireAdmin(viewer);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select()
      .from(webhookEndpoints)
      .orderBy(webhookEndpoints.id)
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    deps.db.select({ n: count() }).from(webhookEndpoints),
  ]);
  return pageOf(rows.map(toEndpointDto), input.page, input.limit, total?.n ?? 0);
}

/** The secret is answered here and never again: only deliveries' signatures show it. */
export async function createWebhookEndpoint(deps: Deps, viewer: Viewer, input: CreateWebhookEndpointInput) {
  requireAdmin(viewer);
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const row = await transaction(deps, async (tx) => {
    const [created] = await tx
      .insert(webhookEndpoints)
      .values({ url: input.url, events: input.events, description: input.description || null, secret })
      .returning();
    await recordChange(deps, tx, { actor: actorFor(viewer), entity: 'webhook_endpoint', id: created!.id, action: 'create', before: null, after: created! });
    return created!;
  });
  return { ...toEndpointDto(row), secret };
}

export async function updateWebhookEndpoint(deps: Deps, viewer: Viewer, input: UpdateWebhookEndpointInput): Promise<WebhookEndpointDto> {
  requireAdmin(viewer);
  const { id, ...changes } = input;
  const row = await transaction(deps, async (tx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
    if (!before) throw notFound('Webhook endpoint');
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ ...changes, ...(changes.description === '' && { description: null }), updatedAt: deps.clock.now() })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    await recordChange(deps, tx, { actor: actorFor(viewer), entity: 'webhook_endpoint', id, action: 'update', before, after: updated! });
    return updated!;
  });
  return toEndpointDto(row);
}

/** Its deliveries go with it, pending ones included (their jobs find nothing and end). */
export async function deleteWebhookEndpoint(deps: Deps, viewer: Viewer, id: number): Promise<{ success: true }> {
  requireAdmin(viewer);
  await transaction(deps, async (tx) => {
    const [deleted] = await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
    if (!deleted) throw notFound('Webhook endpoint');
    await recordChange(deps, tx, { actor: actorFor(viewer), entity: 'webhook_endpoint', id, action: 'delete', before: deleted, after: null });
  });
  return { success: true };
}

/** Newest first. */
export async function listWebhookDeliveries(deps: Deps, viewer: Viewer, input: ListDeliveriesInput): Promise<Page<WebhookDeliveryDto>> {
  requireAdmin(viewer);
  const [endpoint] = await deps.db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(eq(webhookEndpoints.id, input.id));
  if (!endpoint) throw notFound('Webhook endpoint');
  const [rows, [total]] = await Promise.all([
    deps.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, input.id))
      .orderBy(desc(webhookDeliveries.id))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    deps.db.select({ n: count() }).from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, input.id)),
  ]);
  return pageOf(rows.map(toDeliveryDto), input.page, input.limit, total?.n ?? 0);
}

/**
 * Sends a delivery again by hand (after the receiver was fixed): a new series of tries starts
 * now. One still being tried is refused, so a delivery never has two series at once.
 */
export async function retryWebhookDelivery(deps: Deps, viewer: Viewer, id: number): Promise<WebhookDeliveryDto> {
  requireAdmin(viewer);
  return transaction(deps, async (tx) => {
    const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).for('update');
    if (!row) throw notFound('Webhook delivery');
    if (row.status === 'pending') {
      throw new AppError('DELIVERY_PENDING', `Delivery ${id} is still being tried: wait for it to succeed or fail`);
    }
    const now = deps.clock.now();
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', nextAttemptAt: now, error: null })
      .where(eq(webhookDeliveries.id, id))
      .returning();
    await enqueue(deps, tx, { type: WEBHOOK_DELIVER, payload: { deliveryId: id } });
    return toDeliveryDto(updated!);
  });
}

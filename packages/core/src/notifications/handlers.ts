import { users, webhookDeliveries, webhookEndpoints } from '@commerce/db';
import { and, arrayContains, eq, inArray, sql } from 'drizzle-orm';
import { listLowStock } from '../catalog/inventory';
import type { Deps } from '../deps';
import { EMAIL_SEND, enqueue, storeEventTypes, type StoreEventType } from '../outbox';
import { loadOrder } from '../orders/read';
import { transaction } from '../transaction';
import type { JobHandler, JobHandlers, OutboxJob } from './dispatcher';
import { renderEmail, type EmailContent } from './email-render';
import { lowStockDigestEmail, orderEmail, orderEmailKinds, passwordResetEmail, type OrderEmailKind } from './email-templates';
import type { Mailer } from './mailer';
import { sendWebhook, signWebhook } from './webhook-send';
import { WEBHOOK_DELIVER } from './webhooks';

export const LOW_STOCK_DIGEST = 'email.low_stock_digest';

/** A webhook delivery is tried this many times, over about a day, then marked failed. */
export const WEBHOOK_TRIES = 6;
/** After try n: 1 min, 6 min, 36 min, 3.6 h, 21.6 h (about 26 hours in all). */
export const webhookBackoffSeconds = (attempt: number) => 60 * 6 ** (attempt - 1);

export const PASSWORD_RESET_VALID_MINUTES = 60;

export interface NotificationOptions {
  mailer: Mailer;
  /** Signs the emails and heads the invoices. */
  storeName: string;
  /** Where a reset link points: a page that posts the token to /api/auth/password-reset/confirm. */
  passwordResetUrl: string;
  webhooks: {
    /** Let webhooks reach private, loopback and link-local addresses (tests, a private network). */
    allowPrivate: boolean;
    timeoutMs?: number;
  };
  /** The UTC hour at which the daily low-stock digest goes to staff (default 8). */
  digestHourUtc?: number;
}

/** Which customer email each order event sends. */
const orderEmailOf: Partial<Record<StoreEventType, OrderEmailKind>> = {
  'order.created': 'order_placed',
  'order.paid': 'order_paid',
  'order.shipped': 'order_shipped',
  'order.cancelled': 'order_cancelled',
  'order.refunded': 'order_refunded',
};

/** The `data` of a webhook body: the order as its owner sees it, else the event's payload. */
async function eventData(deps: Deps, type: StoreEventType, payload: Record<string, unknown>): Promise<unknown> {
  if (type.startsWith('order.') && typeof payload.orderId === 'number') {
    const order = await loadOrder(deps.db, payload.orderId);
    if (order) {
      const { events: _timeline, ...rest } = order;
      return { order: rest };
    }
  }
  return payload;
}

/**
 * Turns one store event into what follows from it, in one transaction: a delivery (and its job)
 * for every active endpoint that wants it, and the customer's email. Run again after a crash,
 * it adds nothing twice: deliveries are unique per endpoint and event, the email per event.
 */
async function fanOut(deps: Deps, job: OutboxJob): Promise<void> {
  const type = job.type as StoreEventType;
  const endpoints = await deps.db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.isActive, true), arrayContains(webhookEndpoints.events, [type])));
  const email = orderEmailOf[type];
  const emailJob = email && { type: EMAIL_SEND, payload: { template: email, orderId: job.payload.orderId }, dedupeKey: `email:${job.eventId}` };
  // Most stores have no endpoint: the event asks for an email at most, one insert on its own,
  // and the order is not read back for a body nobody receives.
  if (!endpoints.length) {
    if (emailJob) await enqueue(deps, deps.db, emailJob);
    return;
  }
  // An endpoint paused or deleted from here on is settled by its delivery's own try.
  const body = JSON.stringify({ id: job.eventId, type, createdAt: job.createdAt.toISOString(), data: await eventData(deps, type, job.payload) });
  await transaction(deps, async (tx) => {
    const created = await tx
      .insert(webhookDeliveries)
      .values(endpoints.map((e) => ({ endpointId: e.id, eventId: job.eventId, eventType: type, body, nextAttemptAt: deps.clock.now() })))
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    for (const { id } of created) await enqueue(deps, tx, { type: WEBHOOK_DELIVER, payload: { deliveryId: id } });
    if (emailJob) await enqueue(deps, tx, emailJob);
  });
}

async function composeEmail(
  deps: Deps,
  options: NotificationOptions,
  payload: Record<string, unknown>,
): Promise<{ to: string | string[]; content: EmailContent } | null> {
  const { storeName } = options;
  if (payload.template === 'password_reset') {
    // Asked for an email no account has: nothing is sent (the request did the same work).
    if (typeof payload.to !== 'string' || typeof payload.token !== 'string') return null;
    const link = `${options.passwordResetUrl}${options.passwordResetUrl.includes('?') ? '&' : '?'}token=${encodeURIComponent(payload.token)}`;
    return { to: payload.to, content: passwordResetEmail({ storeName, link, validMinutes: PASSWORD_RESET_VALID_MINUTES }) };
  }
  const kind = payload.template as OrderEmailKind;
  if (typeof payload.orderId !== 'number' || !orderEmailKinds.includes(kind)) return null;
  const order = await loadOrder(deps.db, payload.orderId);
  if (!order) return null;
  const [customer] = await deps.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, order.userId));
  if (!customer) return null;
  return { to: customer.email, content: orderEmail({ kind, storeName, customerName: customer.name, order }) };
}

async function sendLowStockDigest(deps: Deps, options: NotificationOptions, job: OutboxJob): Promise<void> {
  const low = await listLowStock(deps, { page: 1, limit: 50 });
  if (!low.items.length) return;
  const staff = await deps.db.select({ email: users.email }).from(users).where(inArray(users.role, ['staff', 'admin']));
  if (!staff.length) return;
  const content = lowStockDigestEmail({ storeName: options.storeName, items: low.items, day: String(job.payload.day) });
  await options.mailer.send({ to: staff.map((s) => s.email), ...renderEmail(content) });
}

/** One try of one webhook delivery; the delivery row logs what it met. */
async function deliverWebhook(deps: Deps, options: NotificationOptions, job: OutboxJob): Promise<void> {
  const deliveryId = Number(job.payload.deliveryId);
  const [row] = await deps.db
    .select({ delivery: webhookDeliveries, url: webhookEndpoints.url, secret: webhookEndpoints.secret, isActive: webhookEndpoints.isActive })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId));
  // Gone with its endpoint, or settled meanwhile: nothing to do.
  if (!row || row.delivery.status !== 'pending') return;
  const now = deps.clock.now();
  if (!row.isActive) {
    await deps.db.update(webhookDeliveries).set({ status: 'failed', nextAttemptAt: null, error: 'the endpoint is paused' }).where(eq(webhookDeliveries.id, deliveryId));
    return;
  }
  const { body, eventId, eventType } = row.delivery;
  const attempt = await sendWebhook({
    url: row.url,
    body,
    headers: {
      'commerce-signature': signWebhook(row.secret, body, now),
      'commerce-event-id': eventId,
      'commerce-event-type': eventType,
      'user-agent': 'Commerce-Webhooks/1',
    },
    timeoutMs: options.webhooks.timeoutMs ?? 10_000,
    allowPrivate: options.webhooks.allowPrivate,
  });
  const ok = attempt.error === null;
  const last = job.attempts >= WEBHOOK_TRIES;
  await deps.db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      lastAttemptAt: now,
      responseStatus: attempt.statusCode,
      latencyMs: attempt.latencyMs,
      responseBody: attempt.responseBody,
      error: attempt.error,
      status: ok ? 'succeeded' : last ? 'failed' : 'pending',
      nextAttemptAt: ok || last ? null : new Date(now.getTime() + webhookBackoffSeconds(job.attempts) * 1000),
    })
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!ok) throw new Error(`webhook delivery ${deliveryId}: ${attempt.error}`);
}

/** Every outbox type the notifications domain handles: store events fan out, jobs send. */
export function notificationHandlers(deps: Deps, options: NotificationOptions): JobHandlers {
  const fanOutHandler: JobHandler = { run: (job) => fanOut(deps, job) };
  return {
    ...Object.fromEntries(storeEventTypes.map((type) => [type, fanOutHandler])),
    [EMAIL_SEND]: {
      run: async (job) => {
        const email = await composeEmail(deps, options, job.payload);
        if (email) await options.mailer.send({ to: email.to, ...renderEmail(email.content) });
      },
      maxAttempts: 8,
      // A reset token must not outlive the email in the outbox.
      sensitive: true,
    },
    [LOW_STOCK_DIGEST]: { run: (job) => sendLowStockDigest(deps, options, job), maxAttempts: 8 },
    [WEBHOOK_DELIVER]: {
      run: (job) => deliverWebhook(deps, options, job),
      maxAttempts: WEBHOOK_TRIES,
      backoffSeconds: webhookBackoffSeconds,
    },
  };
}

/**
 * Enqueues the day's low-stock digest once per process and day; the dedupe key makes it one
 * row however many processes ask. It runs at `digestHourUtc` (at once when that hour is past).
 */
export function dailyDigestScheduler(deps: Deps, options: Pick<NotificationOptions, 'digestHourUtc'>): () => Promise<void> {
  let scheduledDay: string | undefined;
  return async () => {
    const day = deps.clock.now().toISOString().slice(0, 10);
    if (day === scheduledDay) return;
    const hour = String(options.digestHourUtc ?? 8).padStart(2, '0');
    await transaction(deps, (tx) =>
      enqueue(deps, tx, { type: LOW_STOCK_DIGEST, payload: { day }, dedupeKey: `low-stock-digest:${day}`, runAt: new Date(`${day}T${hour}:00:00Z`) }),
    );
    scheduledDay = day;
  };
}

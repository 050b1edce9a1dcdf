import { orderEvents, orders, payments, products, users } from '@commerce/db';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import type { Deps } from '../deps';
import { createTestDeps, insertTestProduct } from '../testing';
import { placeOrder } from './create';
import { EXPIRY_SWEEP_LOCK, expireUnpaidOrders } from './expire';
import { actorFor } from './actor';
import { transitionOrder } from './transition';

let deps: Deps;
let close: (() => Promise<void>) | undefined;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const minutes = (n: number) => n * 60_000;

beforeAll(async () => {
  ({ deps, close } = await createTestDeps({ clock, poolMax: 8, settings: { paymentTimeoutMinutes: 30 } }));
});
afterAll(() => close?.());

async function product(stock = 20) {
  return (await insertTestProduct(deps.db, { priceCents: 500, stock })).id;
}

async function customer() {
  const [user] = await deps.db
    .insert(users)
    .values({ email: `e-${Math.random()}@example.test`, passwordHash: 'x' })
    .returning({ id: users.id });
  return { userId: user!.id, role: 'customer' as const };
}

const stockOf = async (id: number) => (await deps.db.select({ stock: products.stock }).from(products).where(eq(products.id, id)))[0]!.stock;
const statusOf = async (id: number) => (await deps.db.select({ status: orders.status }).from(orders).where(eq(orders.id, id)))[0]!.status;
const eventsOf = (id: number) => deps.db.select().from(orderEvents).where(eq(orderEvents.orderId, id)).orderBy(asc(orderEvents.id));

/** Every pending order is expired first, so each test starts from its own orders only. */
async function sweepAll() {
  offsetMs = minutes(10_000);
  await expireUnpaidOrders(deps);
  offsetMs = 0;
}

describe('expireUnpaidOrders', () => {
  it('cancels a pending order only once it is older than the timeout, as the system, returning its stock', async () => {
    await sweepAll();
    const productId = await product();
    const viewer = await customer();
    const order = await placeOrder(deps, viewer, { items: [{ productId, quantity: 3 }] });
    expect(await stockOf(productId)).toBe(17);

    offsetMs = minutes(29);
    expect(await expireUnpaidOrders(deps)).toEqual({ ran: true, expired: [] });
    expect(await statusOf(order.id)).toBe('pending');

    offsetMs = minutes(31);
    expect(await expireUnpaidOrders(deps)).toEqual({ ran: true, expired: [order.id] });
    expect(await statusOf(order.id)).toBe('cancelled');
    expect(await stockOf(productId)).toBe(20);
    expect((await eventsOf(order.id)).at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'cancelled',
      actorKind: 'system',
      actorUserId: null,
      note: 'unpaid after 30 minutes',
    });

    // Once is all: the next sweep finds nothing, and the stock is not returned twice.
    expect(await expireUnpaidOrders(deps)).toEqual({ ran: true, expired: [] });
    expect(await stockOf(productId)).toBe(20);
    offsetMs = 0;
  });

  it('leaves paid, cancelled and flagged orders alone', async () => {
    await sweepAll();
    const productId = await product();
    const viewer = await customer();
    const [paid, cancelled, flagged] = await Promise.all(
      [1, 2, 3].map(() => placeOrder(deps, viewer, { items: [{ productId, quantity: 1 }] })),
    );
    const staff = actorFor({ userId: viewer.userId, role: 'staff' });
    await transitionOrder(deps, staff, paid!.id, 'paid');
    await transitionOrder(deps, staff, cancelled!.id, 'cancelled');
    await deps.db.update(orders).set({ attention: 'a payment of the wrong amount' }).where(eq(orders.id, flagged!.id));
    const stockBefore = await stockOf(productId);

    offsetMs = minutes(60);
    expect((await expireUnpaidOrders(deps)).expired).toEqual([]);
    expect(await statusOf(paid!.id)).toBe('paid');
    expect(await statusOf(flagged!.id)).toBe('pending');
    expect(await stockOf(productId)).toBe(stockBefore);
    expect((await eventsOf(cancelled!.id)).filter((e) => e.toStatus === 'cancelled')).toHaveLength(1);
    offsetMs = 0;
  });

  it('works through more orders than one batch, and two sweeps at once expire each order exactly once', async () => {
    await sweepAll();
    const productId = await product(1000);
    const viewer = await customer();
    const placed = [];
    for (let i = 0; i < 25; i++) placed.push(await placeOrder(deps, viewer, { items: [{ productId, quantity: 2 }] }));
    expect(await stockOf(productId)).toBe(950);

    offsetMs = minutes(31);
    const sweeps = await Promise.all([
      expireUnpaidOrders(deps, { batchSize: 4 }),
      expireUnpaidOrders(deps, { batchSize: 4 }),
      expireUnpaidOrders(deps, { batchSize: 4 }),
    ]);
    const expired = sweeps.flatMap((sweep) => sweep.expired);
    expect(expired.sort((a, b) => a - b)).toEqual(placed.map((order) => order.id).sort((a, b) => a - b));
    expect(await stockOf(productId)).toBe(1000);
    const cancels = await deps.db
      .select({ orderId: orderEvents.orderId })
      .from(orderEvents)
      .where(and(inArray(orderEvents.orderId, placed.map((order) => order.id)), eq(orderEvents.toStatus, 'cancelled')));
    expect(new Set(cancels.map((event) => event.orderId)).size).toBe(25);
    expect(cancels).toHaveLength(25);
    offsetMs = 0;
  });

  it('does nothing while another process holds the sweep, and everything once it is free', async () => {
    await sweepAll();
    const productId = await product();
    const order = await placeOrder(deps, await customer(), { items: [{ productId, quantity: 1 }] });
    offsetMs = minutes(31);
    let taken!: () => void;
    let release!: () => void;
    const lockTaken = new Promise<void>((resolve) => (taken = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    // Another process in the middle of its sweep.
    const other = deps.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${EXPIRY_SWEEP_LOCK}::bigint)`);
      taken();
      await released;
    });
    await lockTaken;
    expect(await expireUnpaidOrders(deps)).toEqual({ ran: false, expired: [] });
    expect(await statusOf(order.id)).toBe('pending');
    release();
    await other;
    expect(await expireUnpaidOrders(deps)).toEqual({ ran: true, expired: [order.id] });
    offsetMs = 0;
  });

  it('stops a cancelled order’s open payment (the offline provider has nothing open after that)', async () => {
    await sweepAll();
    const productId = await product();
    const viewer = await customer();
    const order = await placeOrder(deps, viewer, { items: [{ productId, quantity: 1 }] });
    await deps.db.insert(payments).values({
      orderId: order.id,
      provider: 'offline',
      providerPaymentId: `offline_pi_${order.id}`,
      status: 'pending',
      amountCents: order.totalCents,
      currency: order.currency,
    });
    offsetMs = minutes(31);
    expect((await expireUnpaidOrders(deps)).expired).toEqual([order.id]);
    const [payment] = await deps.db.select({ status: payments.status }).from(payments).where(eq(payments.orderId, order.id));
    expect(payment!.status).toBe('cancelled');
    offsetMs = 0;
  });
});

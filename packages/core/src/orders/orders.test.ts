import { orderStatuses, products, users, type OrderStatus } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout } from '../cart/checkout';
import { addCartItem } from '../cart/cart';
import type { Deps } from '../deps';
import { createTestDeps, insertTestProduct } from '../testing';
import { actorFor, systemActor } from './actor';
import { placeOrder } from './create';
import { IDEMPOTENCY_TTL_MS, purgeExpiredIdempotencyKeys } from './idempotency';
import { canTransition, returnsStock } from './status';
import { transitionOrder } from './transition';

describe('status machine', () => {
  const allowed = new Set([
    'pending>paid',
    'pending>cancelled',
    'paid>shipped',
    'paid>cancelled',
    'paid>refunded',
    'shipped>delivered',
    'shipped>refunded',
    'delivered>refunded',
  ]);

  it('allows exactly the documented transitions', () => {
    for (const from of orderStatuses) {
      for (const to of orderStatuses) expect(canTransition(from, to), `${from} → ${to}`).toBe(allowed.has(`${from}>${to}`));
    }
  });

  it('returns stock for cancellations and refunds before shipping only', () => {
    const restocking = [...allowed].filter((t) => {
      const [from, to] = t.split('>') as [OrderStatus, OrderStatus];
      return returnsStock(from, to);
    });
    expect(restocking.sort()).toEqual(['paid>cancelled', 'paid>refunded', 'pending>cancelled']);
  });
});

describe('against Postgres', () => {
  let deps: Deps;
  let close: (() => Promise<void>) | undefined;
  let now = new Date('2030-01-01T00:00:00Z');

  beforeAll(async () => {
    ({ deps, close } = await createTestDeps({ clock: { now: () => now }, poolMax: 4 }));
  });
  afterAll(() => close?.());

  async function customer() {
    const [user] = await deps.db
      .insert(users)
      .values({ email: `c-${Math.random()}@example.test`, passwordHash: 'x' })
      .returning({ id: users.id });
    return { userId: user!.id, role: 'customer' as const };
  }

  const product = async (stock: number) => (await insertTestProduct(deps.db, { stock })).id;

  const stockOf = async (id: number) =>
    (await deps.db.select({ stock: products.stock }).from(products).where(eq(products.id, id)))[0]!.stock;

  it('merges repeated lines of one variant, and refuses more than 1000 units of one', async () => {
    const viewer = await customer();
    const p = await product(5000);
    const placed = await placeOrder(deps, viewer, {
      items: [
        { productId: p, quantity: 1 },
        { productId: p, quantity: 4 },
      ],
    });
    expect(placed.items).toEqual([expect.objectContaining({ productId: p, quantity: 5, variantTitle: 'Default' })]);
    await expect(
      placeOrder(deps, viewer, {
        items: [
          { productId: p, quantity: 1000 },
          { productId: p, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'items', productId: p } });
    expect(await stockOf(p)).toBe(4995);
  });

  it('lets the system actor (a payment webhook) move an order, recorded on the timeline', async () => {
    const viewer = await customer();
    const p = await product(5);
    const placed = await placeOrder(deps, viewer, { items: [{ productId: p, quantity: 2 }] });
    const paid = await transitionOrder(deps, systemActor, placed.id, 'paid', { note: 'pi_123 succeeded' });
    expect(paid.status).toBe('paid');
    expect(paid.events.at(-1)).toMatchObject({
      fromStatus: 'pending',
      toStatus: 'paid',
      actorKind: 'system',
      actorUserId: null,
      note: 'pi_123 succeeded',
    });
    await expect(transitionOrder(deps, systemActor, placed.id, 'paid')).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await expect(transitionOrder(deps, systemActor, 99_999_999, 'paid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lets a customer actor only cancel its own pending orders', async () => {
    const viewer = await customer();
    const stranger = await customer();
    const p = await product(5);
    const placed = await placeOrder(deps, viewer, { items: [{ productId: p, quantity: 1 }] });
    await expect(transitionOrder(deps, actorFor(viewer), placed.id, 'paid')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(transitionOrder(deps, actorFor(stranger), placed.id, 'cancelled')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await transitionOrder(deps, actorFor(viewer), placed.id, 'cancelled')).status).toBe('cancelled');
    expect(await stockOf(p)).toBe(5);
  });

  it('keeps an idempotency key for 24 hours of the injected clock', async () => {
    const viewer = await customer();
    const p = await product(10);
    const input = { items: [{ productId: p, quantity: 1 }], idempotencyKey: 'clocked' };
    const first = await placeOrder(deps, viewer, input);
    now = new Date(now.getTime() + IDEMPOTENCY_TTL_MS - 1000);
    expect((await placeOrder(deps, viewer, input)).id).toBe(first.id);
    now = new Date(now.getTime() + 1000);
    const second = await placeOrder(deps, viewer, input);
    expect(second.id).not.toBe(first.id);
    expect(await stockOf(p)).toBe(8);
    now = new Date(now.getTime() + IDEMPOTENCY_TTL_MS);
    expect(await purgeExpiredIdempotencyKeys(deps)).toBeGreaterThanOrEqual(1);
    const third = await placeOrder(deps, viewer, input);
    expect(third.id).not.toBe(second.id);
  });

  it('checks out a cart once per key, the cart emptied in the same transaction', async () => {
    const viewer = await customer();
    const p = await product(10);
    await addCartItem(deps, viewer, { productId: p, quantity: 3 });
    const results = await Promise.all(Array.from({ length: 30 }, () => checkout(deps, viewer, { idempotencyKey: 'cart-once' })));
    expect(results).toHaveLength(30);
    expect(new Set(results.map((o) => o.id)).size).toBe(1);
    expect(await stockOf(p)).toBe(7);
    await expect(checkout(deps, viewer, {})).rejects.toMatchObject({ code: 'CART_EMPTY', message: 'The cart is empty' });
  });

  it('checks out a cart once under many concurrent checkouts with different keys', async () => {
    const viewer = await customer();
    const p = await product(10);
    await addCartItem(deps, viewer, { productId: p, quantity: 3 });
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => checkout(deps, viewer, { idempotencyKey: `cart-many-${i}` })),
    );
    const placed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(placed).toHaveLength(1);
    expect(refused).toHaveLength(29);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'CART_EMPTY', message: 'The cart is empty' });
    expect(await stockOf(p)).toBe(7);
  });
});

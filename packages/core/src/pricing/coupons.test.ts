import { coupons, users } from '@commerce/db';
import { systemActor } from '../audit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { placeOrder } from '../orders/create';
import { expireUnpaidOrders } from '../orders/expire';
import { createTestDeps, insertTestProduct } from '../testing';
import { createCoupon } from './coupons';

let deps: Deps;
let close: (() => Promise<void>) | undefined;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
const minutes = (n: number) => n * 60_000;

beforeAll(async () => {
  ({ deps, close } = await createTestDeps({ clock, poolMax: 4, settings: { paymentTimeoutMinutes: 30 } }));
});
afterAll(() => close?.());

async function customer() {
  const [user] = await deps.db.insert(users).values({ email: `k-${Math.random()}@example.test`, passwordHash: 'x' }).returning({ id: users.id });
  return { userId: user!.id, role: 'customer' as const };
}

const reasonOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
};
const timesUsed = async (id: number) => (await deps.db.select({ n: coupons.timesUsed }).from(coupons).where(eq(coupons.id, id)))[0]!.n;

describe('coupons on the injectable clock', () => {
  it('apply only inside their validity window', async () => {
    offsetMs = 0;
    const start = clock.now();
    const productId = (await insertTestProduct(deps.db, { priceCents: 1000, stock: 10 })).id;
    await createCoupon(deps, systemActor, {
      code: 'WINDOW',
      kind: 'percent',
      value: 10,
      startsAt: new Date(start.getTime() + minutes(60)).toISOString(),
      endsAt: new Date(start.getTime() + minutes(120)).toISOString(),
    });
    const viewer = await customer();
    const place = () => placeOrder(deps, viewer, { items: [{ productId, quantity: 1 }], couponCode: 'WINDOW' });
    expect(await reasonOf(place())).toBe('COUPON_INVALID');
    offsetMs = minutes(90);
    const order = await place();
    expect(order).toMatchObject({ couponCode: 'WINDOW', discountCents: 100, totalCents: 900 });
    offsetMs = minutes(120);
    expect(await reasonOf(place())).toBe('COUPON_INVALID');
    offsetMs = 0;
  });

  it('get their use back when the expiry sweep cancels an unpaid order', async () => {
    offsetMs = 0;
    const productId = (await insertTestProduct(deps.db, { priceCents: 1000, stock: 10 })).id;
    const coupon = await createCoupon(deps, systemActor, { code: 'ONCE', kind: 'fixed', value: 300, usageLimit: 1 });
    const [ann, bob] = [await customer(), await customer()];
    const order = await placeOrder(deps, ann, { items: [{ productId, quantity: 1 }], couponCode: 'once' });
    expect(order).toMatchObject({ couponCode: 'ONCE', discountCents: 300, totalCents: 700 });
    expect(await reasonOf(placeOrder(deps, bob, { items: [{ productId, quantity: 1 }], couponCode: 'ONCE' }))).toBe('COUPON_EXHAUSTED');

    offsetMs = minutes(31);
    const swept = await expireUnpaidOrders(deps);
    expect(swept.expired).toContain(order.id);
    expect(await timesUsed(coupon.id)).toBe(0);
    offsetMs = 0;
    expect(await placeOrder(deps, bob, { items: [{ productId, quantity: 1 }], couponCode: 'ONCE' })).toMatchObject({ couponCode: 'ONCE' });
    expect(await timesUsed(coupon.id)).toBe(1);
  });
});

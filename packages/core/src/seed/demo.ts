import {
  orderEvents,
  orderItems,
  orders,
  payments,
  products,
  productVariants,
  users,
  type Database,
  type OrderStatus,
  type ShippingAddress,
  type Transaction,
} from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import type { ActorKind } from '../audit/schemas';

// Demo accounts cannot sign in: this is not a password hash any password matches.
const NO_PASSWORD = 'demo account: no password sign-in';

const demoCustomers: [name: string, city: string, country: string, postalCode: string][] = [
  ['Amelia Hart', 'Portland', 'US', '97205'],
  ['Noah Becker', 'Berlin', 'DE', '10115'],
  ['Chloé Martin', 'Lyon', 'FR', '69002'],
  ['Liam O’Connor', 'Dublin', 'IE', 'D02 X285'],
  ['Sofia Rossi', 'Milan', 'IT', '20121'],
  ['Mateo García', 'Madrid', 'ES', '28013'],
  ['Emma Johansson', 'Stockholm', 'SE', '111 52'],
  ['Oliver Smith', 'Manchester', 'GB', 'M1 1AE'],
  ['Ava Nguyen', 'Austin', 'US', '78701'],
  ['Lucas Silva', 'Lisbon', 'PT', '1100-148'],
  ['Mia Tanaka', 'Toronto', 'CA', 'M5V 2T6'],
  ['Ethan Brown', 'Chicago', 'US', '60601'],
];

/** Statuses from oldest to newest order: old ones delivered, recent ones still open; every status appears. */
function statusFor(daysAgo: number, i: number): OrderStatus {
  if (i % 11 === 0) return 'cancelled';
  if (i % 13 === 0) return 'refunded';
  if (daysAgo > 10) return 'delivered';
  if (daysAgo > 4) return i % 3 === 0 ? 'delivered' : 'shipped';
  if (daysAgo > 1) return i % 2 === 0 ? 'shipped' : 'paid';
  return i % 2 === 0 ? 'paid' : 'pending';
}

/** The path an order took to its status, for its timeline. */
const pathTo: Record<OrderStatus, OrderStatus[]> = {
  pending: ['pending'],
  paid: ['pending', 'paid'],
  shipped: ['pending', 'paid', 'shipped'],
  delivered: ['pending', 'paid', 'shipped', 'delivered'],
  cancelled: ['pending', 'cancelled'],
  refunded: ['pending', 'paid', 'shipped', 'refunded'],
};

/** Who moved a sample order to `to`, as the store would record it: payments come from the provider, customers cancel what they have not paid. */
const sampleActor = (to: OrderStatus, step: number): ActorKind =>
  step === 0 || to === 'cancelled' ? 'customer' : to === 'paid' ? 'system' : 'staff';

const HOUR = 3_600_000;
const DEMO_ORDERS = 72;

/**
 * A dozen customers and about 70 orders spread over the last 30 days in every status, with
 * lines, timelines and (offline) payments, so a fresh admin shows real figures. Deterministic,
 * and run once, with the sample catalog.
 */
export async function seedDemoOrders(db: Database | Transaction, now = new Date()): Promise<number> {
  // What is sold is a variant: each line names one, at its own price.
  const catalog = await db
    .select({
      productId: products.id,
      variantId: productVariants.id,
      name: products.name,
      variantTitle: productVariants.title,
      sku: productVariants.sku,
      priceCents: productVariants.priceCents,
    })
    .from(productVariants)
    .innerJoin(products, eq(products.id, productVariants.productId))
    .orderBy(productVariants.id)
    .limit(80);
  if (catalog.length === 0) return 0;
  const customers = await db
    .insert(users)
    .values(
      demoCustomers.map(([name], i) => ({
        email: `${name.split(' ')[0]!.toLowerCase().normalize('NFKD').replace(/[^a-z]/g, '')}.demo${i + 1}@example.com`,
        name,
        passwordHash: NO_PASSWORD,
        createdAt: new Date(now.getTime() - (40 - i) * 24 * HOUR),
      })),
    )
    .returning({ id: users.id, name: users.name });

  const planned = Array.from({ length: DEMO_ORDERS }, (_, i) => {
    const hoursAgo = (i * 9.7 + (i % 5) * 3) % (30 * 24);
    const createdAt = new Date(now.getTime() - hoursAgo * HOUR - (i % 60) * 60_000);
    const status = statusFor(hoursAgo / 24, i);
    const customerIndex = (i * 7) % customers.length;
    const customer = customers[customerIndex]!;
    const [, city, country, postalCode] = demoCustomers[customerIndex]!;
    const lines = Array.from({ length: 1 + (i % 3) }, (_, k) => {
      const product = catalog[(i * 5 + k * 17) % catalog.length]!;
      const quantity = 1 + ((i + k) % 2);
      const { priceCents, ...variant } = product;
      return { ...variant, quantity, unitPriceCents: priceCents, lineTotalCents: priceCents * quantity };
    });
    const address: ShippingAddress = { name: customer.name ?? 'Customer', line1: `${10 + i} Market Street`, city, postalCode, country };
    const path = pathTo[status];
    // Each step some hours after the one before, never later than now.
    const stepMs = Math.min(6 * HOUR, (now.getTime() - createdAt.getTime()) / path.length);
    const at = (step: number) => new Date(createdAt.getTime() + step * stepMs);
    return { customer, createdAt, status, lines, address, path, at, totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0) };
  });
  // One statement per table; RETURNING answers in the order of the VALUES list.
  const created = await db
    .insert(orders)
    .values(
      planned.map((o) => ({
        userId: o.customer.id,
        status: o.status,
        subtotalCents: o.totalCents,
        totalCents: o.totalCents,
        currency: 'USD',
        shippingAddress: o.address,
        createdAt: o.createdAt,
        updatedAt: o.at(o.path.length - 1),
      })),
    )
    .returning({ id: orders.id });
  const withIds = planned.map((o, i) => ({ ...o, id: created[i]!.id }));
  await db.insert(orderItems).values(withIds.flatMap((o) => o.lines.map((line) => ({ ...line, orderId: o.id }))));
  await db.insert(orderEvents).values(
    withIds.flatMap((o) =>
      o.path.map((to, step) => ({
        orderId: o.id,
        fromStatus: step === 0 ? null : o.path[step - 1]!,
        toStatus: to,
        actorKind: sampleActor(to, step),
        createdAt: o.at(step),
      })),
    ),
  );
  await db.insert(payments).values(
    withIds
      .filter((o) => o.path.includes('paid'))
      .map((o) => ({
        orderId: o.id,
        provider: 'offline',
        providerPaymentId: `offline_pi_${o.id}`,
        status: o.status === 'refunded' ? 'refunded' : 'succeeded',
        amountCents: o.totalCents,
        currency: 'USD',
        createdAt: o.at(1),
      })),
  );
  return withIds.length;
}

const BATCH = 10_000;
const SYNTHETIC_CUSTOMERS = 2_000;

/**
 * `count` synthetic orders over the last 30 days for load measurements, generated inside
 * Postgres in batches: one line each on a variant picked by number, a status mix with most
 * orders delivered, spread over 2 000 synthetic customers.
 */
export async function seedSyntheticOrders(db: Database, count: number): Promise<number> {
  const [range] = await db
    .select({ min: sql<number>`min(id)::int`, max: sql<number>`max(id)::int` })
    .from(productVariants)
    .where(sql`archived_at is null`);
  if (!range?.min || count <= 0) return 0;
  await db.execute(sql`
    insert into users (email, name, password_hash, role, created_at)
    select 'synthetic-customer-' || n || '@example.test', 'Synthetic Customer ' || n, ${NO_PASSWORD}, 'customer', now() - make_interval(days => 60)
    from generate_series(1, ${SYNTHETIC_CUSTOMERS}::int) as n
    on conflict do nothing`);
  const [customers] = await db
    .select({ min: sql<number>`min(id)::int`, max: sql<number>`max(id)::int` })
    .from(users)
    .where(sql`email like 'synthetic-customer-%@example.test'`);
  const span = range.max - range.min + 1;
  const customerSpan = customers!.max - customers!.min + 1;
  // Orders get explicit ids (the sequence is moved past them after), so their lines can name them.
  const [maxOrder] = await db.select({ max: sql<number>`coalesce(max(id), 0)::int` }).from(orders);
  let offset = maxOrder?.max ?? 0;
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    await db.execute(sql`
      with picked as (
        select n, p.id as product_id, v.id as variant_id, p.name, v.title, v.sku, v.price_cents, 1 + n % 3 as quantity,
          ${customers!.min}::int + ((n::bigint * 7919) % ${customerSpan}::int)::int as user_id,
          (array['delivered','delivered','delivered','shipped','paid','paid','pending','cancelled','refunded','delivered'])[1 + n % 10]::order_status as status,
          now() - make_interval(secs => ((n::bigint * 104729) % 2592000)::int) as created_at
        from generate_series(${offset + 1}::int, ${offset + size}::int) as n
        join product_variants v on v.id = ${range.min}::int + ((n::bigint * 31) % ${span}::int)::int
        join products p on p.id = v.product_id
      ),
      new_orders as (
        insert into orders (id, user_id, status, subtotal_cents, total_cents, currency, created_at, updated_at)
        select n, user_id, status, price_cents * quantity, price_cents * quantity, 'USD', created_at, created_at from picked
      ),
      new_items as (
        insert into order_items (order_id, product_id, variant_id, name, variant_title, sku, quantity, unit_price_cents, line_total_cents)
        select n, product_id, variant_id, name, title, sku, quantity, price_cents, price_cents * quantity from picked
      )
      insert into order_events (order_id, from_status, to_status, actor_kind, created_at)
      select n, null, status, 'system', created_at from picked
    `);
    offset += size;
  }
  await db.execute(sql`select setval(pg_get_serial_sequence('orders', 'id'), ${offset}::int)`);
  await db.execute(sql`vacuum analyze orders`);
  await db.execute(sql`vacuum analyze order_items`);
  return count;
}

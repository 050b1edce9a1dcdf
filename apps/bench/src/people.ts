import { type Database } from '@commerce/db';
import { sql } from 'drizzle-orm';

const FIRST = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Dennis', 'Frances', 'Ken', 'Radia', 'Tim', 'Katherine', 'Edsger', 'Hedy', 'John', 'Sophie'];
const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Ritchie', 'Allen', 'Thompson', 'Perlman', 'Berners', 'Johnson', 'Dijkstra', 'Lamarr', 'Backus', 'Wilson'];
const DOMAINS = ['example.com', 'mail.example', 'shop.test', 'inbox.example'];

const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v}'`).join(',')}]`);

/**
 * `count` customers, each with one past order of one line (paid, shipped, delivered or
 * cancelled: none the expiry sweep touches, and none the stock conservation check counts),
 * written by set-based SQL so that 100 000 of each take seconds. What the ⌘K palette searches.
 */
export async function seedPeopleAndOrders(db: Database, count: number): Promise<void> {
  await db.execute(sql`
    insert into users (email, name, password_hash, role, created_at)
    select lower(f.name || '.' || l.name || '.' || n) || '@' || (${textArray(DOMAINS)})[1 + n % 4],
           f.name || ' ' || l.name,
           '!seeded-no-login', 'customer', now() - make_interval(mins => n)
    from generate_series(1, ${count}) n,
         lateral (select (${textArray(FIRST)})[1 + n % 16] as name) f,
         lateral (select (${textArray(LAST)})[1 + (n / 16) % 16] as name) l`);
  // Statistics first: without them the planner expects one new user and joins the orders below quadratically.
  await db.execute(sql`analyze users`);
  await db.execute(sql`
    with bought as (
      select u.id as user_id, row_number() over (order by u.id) as n
      from users u where u.password_hash = '!seeded-no-login'
    ), line as (
      select b.user_id, b.n, v.product_id, v.id as variant_id, p.name, v.title, v.sku, v.price_cents
      from bought b
      join lateral (select * from product_variants where id = 1 + (b.n * 7919) % (select max(id) from product_variants)) v on true
      join products p on p.id = v.product_id
    ), placed as (
      insert into orders (user_id, status, subtotal_cents, total_cents, currency, created_at, updated_at)
      select user_id, (array['paid','shipped','delivered','cancelled']::order_status[])[1 + n % 4], price_cents, price_cents, 'USD',
             now() - make_interval(mins => n::int), now() - make_interval(mins => n::int)
      from line order by n
      returning id, user_id
    )
    insert into order_items (order_id, product_id, variant_id, name, variant_title, sku, quantity, unit_price_cents, line_total_cents)
    select placed.id, line.product_id, line.variant_id, line.name, line.title, line.sku, 1, line.price_cents, line.price_cents
    from placed join line using (user_id)`);
  await db.execute(sql`vacuum analyze users`);
  await db.execute(sql`vacuum analyze orders`);
  await db.execute(sql`vacuum analyze order_items`);
}

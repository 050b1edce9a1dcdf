import { categories, products, productVariants, type Database } from '@commerce/db';
import { sql } from 'drizzle-orm';
import { slugify } from '../catalog/slugs';
import { seedDemoOrders } from './demo';

interface CategorySeed {
  name: string;
  slug: string;
  children?: CategorySeed[];
}

const categoryTree: CategorySeed[] = [
  {
    name: 'Apparel',
    slug: 'apparel',
    children: [
      { name: 'Men', slug: 'apparel-men' },
      { name: 'Women', slug: 'apparel-women' },
    ],
  },
  {
    name: 'Electronics',
    slug: 'electronics',
    children: [
      { name: 'Audio', slug: 'electronics-audio' },
      { name: 'Computers', slug: 'electronics-computers' },
    ],
  },
  {
    name: 'Home & Kitchen',
    slug: 'home-kitchen',
    children: [
      { name: 'Cookware', slug: 'home-cookware' },
      { name: 'Furniture', slug: 'home-furniture' },
    ],
  },
  { name: 'Sports & Outdoors', slug: 'sports-outdoors', children: [{ name: 'Camping', slug: 'sports-camping' }] },
  { name: 'Books', slug: 'books' },
];

// [name, price in cents, stock, category slug, description]
const sampleProducts: [string, number, number, string, string][] = [
  ['Classic Oxford Shirt', 4900, 120, 'apparel-men', 'Crisp cotton oxford with a button-down collar.'],
  ['Slim Fit Chinos', 5900, 80, 'apparel-men', 'Stretch cotton chinos with a tapered leg.'],
  ['Merino Crew Sweater', 8900, 45, 'apparel-men', 'Fine merino wool knit that breathes and keeps warm.'],
  ['Waxed Field Jacket', 18900, 20, 'apparel-men', 'Water-resistant waxed cotton jacket with corduroy collar.'],
  ['Heavyweight Pocket Tee', 2400, 300, 'apparel-men', 'Thick jersey tee that holds its shape.'],
  ['Selvedge Denim Jeans', 12900, 35, 'apparel-men', 'Raw selvedge denim woven on vintage looms.'],
  ['Linen Wrap Dress', 9800, 40, 'apparel-women', 'Breezy linen dress with an adjustable wrap tie.'],
  ['High-Rise Wide Leg Trousers', 7900, 55, 'apparel-women', 'Flowing trousers in a soft crepe.'],
  ['Cashmere Turtleneck', 14900, 25, 'apparel-women', 'Grade-A cashmere in a relaxed fit.'],
  ['Quilted Puffer Vest', 8900, 60, 'apparel-women', 'Lightweight warmth with recycled fill.'],
  ['Silk Button Blouse', 11900, 30, 'apparel-women', 'Washable silk blouse with mother-of-pearl buttons.'],
  ['Ribbed Tank Top', 1900, 250, 'apparel-women', 'Stretch rib cotton tank for layering.'],
  ['Wireless Noise-Cancelling Headphones', 29900, 40, 'electronics-audio', 'Over-ear headphones with 30-hour battery life.'],
  ['True Wireless Earbuds', 12900, 150, 'electronics-audio', 'Compact earbuds with a wireless charging case.'],
  ['Bluetooth Bookshelf Speakers', 24900, 18, 'electronics-audio', 'Powered speakers with optical and phono inputs.'],
  ['Portable Waterproof Speaker', 7900, 90, 'electronics-audio', 'Rugged speaker rated IP67 for the beach or trail.'],
  ['USB Condenser Microphone', 9900, 40, 'electronics-audio', 'Cardioid mic for podcasts and streaming.'],
  ['Turntable with Built-in Preamp', 19900, 12, 'electronics-audio', 'Belt-drive turntable ready for any speaker.'],
  ['14-inch Ultrabook Laptop', 109900, 15, 'electronics-computers', 'Thin aluminium laptop with 16 GB RAM and 512 GB SSD.'],
  ['27-inch 4K Monitor', 34900, 22, 'electronics-computers', 'IPS panel with USB-C power delivery.'],
  ['Mechanical Keyboard', 11900, 70, 'electronics-computers', 'Hot-swappable switches and PBT keycaps.'],
  ['Ergonomic Wireless Mouse', 5900, 110, 'electronics-computers', 'Sculpted mouse with silent clicks.'],
  ['USB-C Docking Station', 15900, 30, 'electronics-computers', 'Dual display dock with 100 W charging.'],
  ['1 TB Portable SSD', 10900, 65, 'electronics-computers', 'Pocket-sized drive with 1000 MB/s transfers.'],
  ['Webcam 1080p', 6900, 0, 'electronics-computers', 'Full HD webcam with dual microphones.'],
  ['Cast Iron Skillet 12"', 3900, 85, 'home-cookware', 'Pre-seasoned cast iron for searing and baking.'],
  ['Stainless Steel Saucepan Set', 14900, 25, 'home-cookware', 'Tri-ply saucepans in three sizes with lids.'],
  ['Enameled Dutch Oven', 9900, 30, 'home-cookware', '5.5 quart enameled cast iron for braises and bread.'],
  ['Nonstick Frying Pan', 3400, 120, 'home-cookware', 'PFOA-free ceramic nonstick coating.'],
  ['Chef Knife 8"', 7900, 50, 'home-cookware', 'Forged German steel with a full tang.'],
  ['Bamboo Cutting Board', 2900, 140, 'home-cookware', 'Sustainable bamboo board with a juice groove.'],
  ['Pour-Over Coffee Kettle', 4500, 60, 'home-cookware', 'Gooseneck kettle with a built-in thermometer.'],
  ['Oak Dining Table', 89900, 5, 'home-furniture', 'Solid oak table that seats six.'],
  ['Velvet Accent Chair', 32900, 12, 'home-furniture', 'Curved velvet chair with brass legs.'],
  ['Walnut Bookshelf', 24900, 8, 'home-furniture', 'Five-shelf bookcase in walnut veneer.'],
  ['Standing Desk', 49900, 14, 'home-furniture', 'Electric sit-stand desk with memory presets.'],
  ['Linen Sofa Cushion Set', 6900, 40, 'home-furniture', 'Two washable linen cushions with feather inserts.'],
  ['Rattan Side Table', 12900, 16, 'home-furniture', 'Hand-woven rattan table for living rooms or patios.'],
  ['Yoga Mat', 3900, 200, 'sports-outdoors', 'Non-slip natural rubber mat, 5 mm thick.'],
  ['Adjustable Dumbbell Pair', 29900, 10, 'sports-outdoors', 'Dial-adjustable dumbbells from 2 to 24 kg.'],
  ['Trail Running Shoes', 13900, 45, 'sports-outdoors', 'Grippy outsole and a rock plate for rough trails.'],
  ['Insulated Water Bottle', 2900, 400, 'sports-outdoors', 'Keeps drinks cold for 24 hours.'],
  ['Resistance Band Set', 2400, 160, 'sports-outdoors', 'Five bands from light to extra heavy.'],
  ['Two-Person Backpacking Tent', 27900, 15, 'sports-camping', 'Freestanding tent that packs to 1.6 kg.'],
  ['Down Sleeping Bag', 22900, 20, 'sports-camping', '800-fill down bag rated to -5 °C.'],
  ['Camping Stove', 6900, 35, 'sports-camping', 'Compact canister stove that boils water in 3 minutes.'],
  ['Headlamp 400 Lumen', 3900, 90, 'sports-camping', 'Rechargeable headlamp with red night mode.'],
  ['Trekking Poles', 8900, 30, 'sports-camping', 'Carbon fibre poles with cork grips.'],
  ['Camp Chair', 5900, 50, 'sports-camping', 'Folding chair with a cup holder.'],
  ['The Pragmatic Programmer', 4200, 60, 'books', 'A classic on the craft of software development.'],
  ['Designing Data-Intensive Applications', 5400, 45, 'books', 'The big ideas behind reliable, scalable systems.'],
  ['Salt, Fat, Acid, Heat', 3500, 70, 'books', 'Mastering the elements of good cooking.'],
  ['The Art of Fermentation', 3900, 25, 'books', 'An in-depth exploration of fermentation worldwide.'],
  ['A Field Guide to Birds', 2800, 40, 'books', 'Illustrated guide to more than 800 species.'],
  ['Atlas of Remote Islands', 3000, 0, 'books', 'Fifty islands I have never set foot on and never will.'],
];

interface ApparelSeed {
  name: string;
  category: string;
  description: string;
  priceCents: number;
  sizes: string[];
  colors: string[];
  skuPrefix: string;
}

/** Products sold in sizes and colours: one variant per combination, each with its own sku and stock. */
const apparel: ApparelSeed[] = [
  {
    name: 'Essential Cotton T-Shirt',
    category: 'apparel-men',
    description: 'Soft ringspun cotton tee with a relaxed fit, in three colours.',
    priceCents: 2200,
    sizes: ['S', 'M', 'L', 'XL'],
    colors: ['Black', 'White', 'Navy'],
    skuPrefix: 'TEE',
  },
  {
    name: 'Everyday Hoodie',
    category: 'apparel-women',
    description: 'Brushed fleece hoodie with a kangaroo pocket.',
    priceCents: 5400,
    sizes: ['XS', 'S', 'M', 'L'],
    colors: ['Heather Grey', 'Forest'],
    skuPrefix: 'HOOD',
  },
];

/** Loads the sample catalog unless the store already has products. Returns how many it added. */
export async function seedCatalog(db: Database): Promise<number> {
  const [existing] = await db.select({ n: sql<number>`count(*)::int` }).from(products);
  if (existing && existing.n > 0) return 0;
  return db.transaction(async (tx) => {
    const idBySlug = new Map<string, number>();
    const insertTree = async (nodes: CategorySeed[], parentId: number | null) => {
      for (const node of nodes) {
        const [row] = await tx
          .insert(categories)
          .values({ name: node.name, slug: node.slug, parentId })
          .returning({ id: categories.id });
        idBySlug.set(node.slug, row!.id);
        if (node.children) await insertTree(node.children, row!.id);
      }
    };
    await insertTree(categoryTree, null);
    const simple = await tx
      .insert(products)
      .values(
        sampleProducts.map(([name, priceCents, stock, categorySlug, description]) => ({
          name,
          slug: slugify(name),
          description,
          priceCents,
          stock,
          categoryId: idBySlug.get(categorySlug) ?? null,
        })),
      )
      .returning({ id: products.id, priceCents: products.priceCents, stock: products.stock });
    await tx.insert(productVariants).values(
      simple.map((product, index) => ({
        productId: product.id,
        sku: `SKU-${String(index + 1).padStart(5, '0')}`,
        title: 'Default',
        priceCents: product.priceCents,
        stock: product.stock,
      })),
    );
    for (const item of apparel) {
      const combinations = item.sizes.flatMap((size, s) => item.colors.map((color, c) => ({ size, color, s, c })));
      // Bigger sizes cost a little more; stock varies so some combinations run low.
      const variants = combinations.map(({ size, color, s, c }) => ({
        sku: `${item.skuPrefix}-${color.replace(/\s+/g, '').slice(0, 3).toUpperCase()}-${size}`,
        title: `${size} / ${color}`,
        optionValues: { Size: size, Color: color },
        priceCents: item.priceCents + (s >= 3 ? 200 : 0),
        stock: (s * 7 + c * 5 + 3) % 25,
        position: s * item.colors.length + c,
      }));
      const [product] = await tx
        .insert(products)
        .values({
          name: item.name,
          slug: slugify(item.name),
          description: item.description,
          priceCents: Math.min(...variants.map((v) => v.priceCents)),
          stock: variants.reduce((sum, v) => sum + v.stock, 0),
          categoryId: idBySlug.get(item.category) ?? null,
          options: [
            { name: 'Size', values: item.sizes },
            { name: 'Color', values: item.colors },
          ],
        })
        .returning({ id: products.id });
      await tx.insert(productVariants).values(variants.map((variant) => ({ productId: product!.id, ...variant })));
    }
    await seedDemoOrders(tx);
    return sampleProducts.length + apparel.length;
  });
}

const BATCH = 10_000;

/**
 * Adds `count` synthetic products, generated inside Postgres in batches so that 100 000
 * rows take seconds, not minutes. Names combine word lists so search has something to find.
 */
export async function seedSyntheticProducts(db: Database, count: number): Promise<number> {
  const [maxRow] = await db.select({ max: sql<number>`coalesce(max(id), 0)::int` }).from(products);
  let offset = maxRow?.max ?? 0;
  const leafCategories = await db
    .select({ id: categories.id })
    .from(categories)
    .where(sql`not exists (select 1 from ${categories} c where c.parent_id = ${categories.id})`);
  const categoryIds = leafCategories.map((c) => c.id);
  const categoryArray = categoryIds.length ? sql`array[${sql.join(categoryIds.map((id) => sql`${id}`), sql`, `)}]::int[]` : sql`array[]::int[]`;
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    await db.execute(sql`
      insert into products (slug, name, description, price_cents, stock, is_active, category_id, options, created_at)
      select
        'synthetic-' || n,
        (array['Classic','Modern','Rustic','Compact','Deluxe','Everyday','Vintage','Premium','Organic','Smart'])[1 + n % 10]
          || ' ' ||
        (array['Walnut','Copper','Linen','Ceramic','Wool','Bamboo','Steel','Leather','Cotton','Glass','Oak','Marble'])[1 + (n / 10) % 12]
          || ' ' ||
        (array['Lamp','Chair','Mug','Backpack','Jacket','Speaker','Kettle','Notebook','Blanket','Watch','Bottle','Planter','Desk','Scarf'])[1 + (n / 120) % 14]
          || ' ' || n,
        'Synthetic product number ' || n || ' for load testing.',
        0,
        0,
        n % 23 <> 0,
        (${categoryArray})[1 + n % greatest(cardinality(${categoryArray}), 1)],
        case when n % 3 = 0 then '[]'::jsonb else '[{"name":"Size","values":["S","M","L"]}]'::jsonb end,
        now() - make_interval(secs => n)
      from generate_series(${offset + 1}::int, ${offset + size}::int) as n
    `);
    // One to three variants each (a third have no options), with their own sku, price and stock.
    // Prime moduli (199, 23) keep stock, activity and category (n mod leaf count) independent,
    // as in a real catalog: correlated columns would mislead the query-plan tests.
    await db.execute(sql`
      insert into product_variants (product_id, sku, title, option_values, price_cents, stock, position)
      select p.id, 'SYN-' || n || case when k = 0 then '' else '-' || k end,
        case when n % 3 = 0 then 'Default' else (array['S','M','L'])[k + 1] end,
        case when n % 3 = 0 then '{}'::jsonb else jsonb_build_object('Size', (array['S','M','L'])[k + 1]) end,
        100 + (n * 7919) % 99900 + k * 500,
        ((n + k) * 31) % 199,
        k
      from generate_series(${offset + 1}::int, ${offset + size}::int) as n
      join products p on p.slug = 'synthetic-' || n
      cross join lateral generate_series(0, case when n % 3 = 0 then 0 else n % 3 end) as k
    `);
    await db.execute(sql`
      update products p set price_cents = v.price, stock = v.stock
      from (
        select product_id, min(price_cents) as price, sum(stock)::int as stock
        from product_variants group by product_id
      ) v
      where v.product_id = p.id and p.slug like 'synthetic-%' and p.stock = 0 and p.price_cents = 0
    `);
    offset += size;
  }
  // Statistics for the planner, and a visibility map so counts can be index-only scans.
  await db.execute(sql`vacuum analyze products`);
  await db.execute(sql`vacuum analyze product_variants`);
  return count;
}

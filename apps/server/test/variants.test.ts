import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProduct, startCatalogServer, type CatalogFixture } from './catalog-helpers';
import { createUserWithToken } from './helpers';

let f: CatalogFixture;
beforeAll(async () => {
  f = await startCatalogServer();
});
afterAll(() => f.server.close());

let made = 0;
/** A T-shirt in sizes S, M and colours Black, White: four variants with their own sku, price and stock. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function tshirt(overrides: Record<string, unknown> = {}): Promise<any> {
  made += 1;
  const sku = (size: string, color: string) => `TS${made}-${size}-${color}`.toUpperCase();
  const variants = [
    ['S', 'Black', 2000, 3],
    ['S', 'White', 2000, 0],
    ['M', 'Black', 2200, 5],
    ['M', 'White', 2200, 1],
  ].map(([size, color, priceCents, stock]) => ({
    sku: sku(size as string, color as string),
    optionValues: { Size: size, Color: color },
    priceCents,
    stock,
  }));
  return makeProduct(f, {
    name: `T-Shirt ${made}`,
    priceCents: undefined,
    stock: undefined,
    options: [
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Color', values: ['Black', 'White'] },
    ],
    variants,
    ...overrides,
  });
}

interface VariantBody {
  id: number;
  title: string;
  sku: string | null;
}
const variantOf = (product: { variants: VariantBody[] }, title: string) => product.variants.find((v) => v.title === title)!;

describe('products with options and variants', () => {
  it('creates one variant per combination; the product shows the lowest price and the total stock', async () => {
    const product = await tshirt();
    expect(product.options).toEqual([
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Color', values: ['Black', 'White'] },
    ]);
    expect(product.variants.map((v: { title: string }) => v.title)).toEqual(['S / Black', 'S / White', 'M / Black', 'M / White']);
    expect(product).toMatchObject({ priceCents: 2000, stock: 9, sku: null });
    expect(variantOf(product, 'M / White')).toMatchObject({ priceCents: 2200, stock: 1, isActive: true, images: [] });
    const read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(read.body.variants).toHaveLength(4);
  });

  it('gives a product without options exactly one variant carrying its price, stock and sku', async () => {
    const product = await makeProduct(f, { name: 'Plain Mug', priceCents: 900, stock: 4, sku: 'MUG-PLAIN' });
    expect(product.options).toEqual([]);
    expect(product.variants).toEqual([
      expect.objectContaining({ title: 'Default', optionValues: {}, priceCents: 900, stock: 4, sku: 'MUG-PLAIN' }),
    ]);
    // The product-level routes keep working on it, through its variant.
    const put = await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { priceCents: 950, stock: 6 } });
    expect(put.body).toMatchObject({ priceCents: 950, stock: 6 });
    expect(put.body.variants[0]).toMatchObject({ priceCents: 950, stock: 6 });
    const adjusted = await f.server.request('POST', `/api/products/${product.id}/stock-adjustments`, {
      token: f.staff,
      body: { delta: -2 },
    });
    expect(adjusted.body.stock).toBe(4);
  });

  it('refuses a duplicate combination (409), an unknown option value and a missing option (400)', async () => {
    const options = [{ name: 'Size', values: ['S', 'M'] }];
    const twice = await f.server.request('POST', '/api/products', {
      token: f.staff,
      body: {
        name: 'Twice',
        options,
        variants: [
          { optionValues: { Size: 'S' }, priceCents: 1 },
          { optionValues: { Size: 'S' }, priceCents: 2 },
        ],
      },
    });
    expect(twice.status).toBe(409);
    expect(twice.body.reason).toBe('duplicate_variant');
    const unknown = await f.server.request('POST', '/api/products', {
      token: f.staff,
      body: { name: 'Unknown value', options, variants: [{ optionValues: { Size: 'XXL' }, priceCents: 1 }] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.reason).toBe('invalid_option_value');
    expect(unknown.body.message).toMatch(/XXL/);
    const missing = await f.server.request('POST', '/api/products', {
      token: f.staff,
      body: { name: 'Missing option', options, variants: [{ optionValues: {}, priceCents: 1 }] },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.reason).toBe('invalid_option_value');
    // Nothing of the refused products was written.
    const list = await f.server.request('GET', '/api/products?q=Twice', { token: f.staff });
    expect(list.body.items).toEqual([]);
  });

  it('refuses options without variants, and product-level price or stock beside variants (400)', async () => {
    const noVariants = await f.server.request('POST', '/api/products', {
      token: f.staff,
      body: { name: 'No variants', priceCents: 1, stock: 1, options: [{ name: 'Size', values: ['S'] }] },
    });
    expect(noVariants.status).toBe(400);
    const both = await f.server.request('POST', '/api/products', {
      token: f.staff,
      body: { name: 'Both', priceCents: 1, variants: [{ priceCents: 1 }] },
    });
    expect(both.status).toBe(400);
    expect(both.body.issues.map((i: { path: string[] }) => i.path.join('.'))).toContain('priceCents');
  });

  it('adds, updates and archives variants; the last active one cannot go (409)', async () => {
    const product = await makeProduct(f, {
      name: 'Sized Cap',
      priceCents: undefined,
      stock: undefined,
      options: [{ name: 'Size', values: ['S', 'M', 'L'] }],
      variants: [{ optionValues: { Size: 'S' }, priceCents: 1500, stock: 2 }],
    });
    const base = `/api/products/${product.id}/variants`;
    const added = await f.server.request('POST', base, {
      token: f.staff,
      body: { optionValues: { Size: 'M' }, priceCents: 1200, stock: 7, sku: `CAP-${product.id}-M` },
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ title: 'M', priceCents: 1200, stock: 7, productId: product.id });
    const again = await f.server.request('POST', base, { token: f.staff, body: { optionValues: { Size: 'M' }, priceCents: 1 } });
    expect([again.status, again.body.reason]).toEqual([409, 'duplicate_variant']);
    const skuTaken = await f.server.request('POST', base, {
      token: f.staff,
      body: { optionValues: { Size: 'L' }, priceCents: 1, sku: `cap-${product.id}-m` },
    });
    expect([skuTaken.status, skuTaken.body.reason]).toEqual([409, 'sku_taken']);
    let read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(read.body).toMatchObject({ priceCents: 1200, stock: 9 });

    const updated = await f.server.request('PUT', `${base}/${added.body.id}`, { token: f.staff, body: { priceCents: 1800 } });
    expect(updated.body.priceCents).toBe(1800);
    read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(read.body.priceCents).toBe(1500);

    const first = read.body.variants[0].id;
    expect((await f.server.request('DELETE', `${base}/${first}`, { token: f.staff })).body).toEqual({ success: true });
    // Archiving again is fine; the archived variant is gone from reads, and the product follows.
    expect((await f.server.request('DELETE', `${base}/${first}`, { token: f.staff })).status).toBe(200);
    read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(read.body.variants.map((v: { id: number }) => v.id)).toEqual([added.body.id]);
    expect(read.body).toMatchObject({ priceCents: 1800, stock: 7 });
    const last = await f.server.request('DELETE', `${base}/${added.body.id}`, { token: f.staff });
    expect([last.status, last.body.reason]).toEqual([409, 'last_variant']);
    const off = await f.server.request('PUT', `${base}/${added.body.id}`, { token: f.staff, body: { isActive: false } });
    expect([off.status, off.body.reason]).toEqual([409, 'last_variant']);
    // Variants of another product, and unknown ones, are 404s.
    const other = await makeProduct(f);
    expect((await f.server.request('PUT', `/api/products/${other.id}/variants/${added.body.id}`, { token: f.staff, body: { stock: 1 } })).status).toBe(404);
    // Staff only.
    expect((await f.server.request('POST', base, { token: f.customer, body: { optionValues: { Size: 'L' }, priceCents: 1 } })).status).toBe(403);
  });

  it('shows the public active variants only; price and stock follow them', async () => {
    const product = await tshirt();
    const cheap = variantOf(product, 'S / Black');
    await f.server.request('PUT', `/api/products/${product.id}/variants/${cheap.id}`, { token: f.staff, body: { isActive: false } });
    const pub = await f.server.request('GET', `/api/products/${product.id}`);
    expect(pub.body.variants.map((v: { title: string }) => v.title)).toEqual(['S / White', 'M / Black', 'M / White']);
    expect(pub.body).toMatchObject({ priceCents: 2000, stock: 6 });
    const staffView = await f.server.request('GET', `/api/products/${product.id}`, { token: f.staff });
    expect(staffView.body.variants).toHaveLength(4);
  });

  it('changes price and stock per variant once there are several (400 naming the rule)', async () => {
    const product = await tshirt();
    const price = await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { priceCents: 1 } });
    expect([price.status, price.body.reason, price.body.data.field]).toEqual([400, 'product_has_variants', 'priceCents']);
    const stock = await f.server.request('PUT', `/api/products/${product.id}/stock`, { token: f.staff, body: { stock: 1 } });
    expect([stock.status, stock.body.reason, stock.body.data.field]).toEqual([400, 'variant_required', 'variantId']);
    // A rename still works, and changes nothing of the variants.
    const renamed = await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { name: 'Renamed Tee' } });
    expect(renamed.body.variants).toHaveLength(4);
  });

  it('keeps options in step with the variants: a value in use cannot be removed', async () => {
    const product = await tshirt();
    const res = await f.server.request('PUT', `/api/products/${product.id}`, {
      token: f.staff,
      body: { options: [{ name: 'Size', values: ['S', 'M'] }, { name: 'Color', values: ['Black'] }] },
    });
    expect([res.status, res.body.reason]).toEqual([400, 'invalid_option_value']);
    const widened = await f.server.request('PUT', `/api/products/${product.id}`, {
      token: f.staff,
      body: { options: [{ name: 'Size', values: ['S', 'M', 'L'] }, { name: 'Color', values: ['Black', 'White'] }] },
    });
    expect(widened.status).toBe(200);
  });

  it('gives live variants the first value of an option the product did not have, retitling those titled by their values', async () => {
    const single = await makeProduct(f, { name: 'Plain Scarf', priceCents: 1500, stock: 4, sku: `SCARF-${made}` });
    const sized = await f.server.request('PUT', `/api/products/${single.id}`, { token: f.staff, body: { options: [{ name: 'Size', values: ['M', 'L'] }] } });
    expect(sized.status).toBe(200);
    expect(sized.body.variants).toEqual([expect.objectContaining({ title: 'M', optionValues: { Size: 'M' }, priceCents: 1500, stock: 4 })]);
    const large = await f.server.request('POST', `/api/products/${single.id}/variants`, { token: f.staff, body: { optionValues: { Size: 'L' }, priceCents: 1700 } });
    expect(large.status).toBe(200);

    const product = await tshirt();
    const black = variantOf(product, 'S / Black');
    await f.server.request('PUT', `/api/products/${product.id}/variants/${black.id}`, { token: f.staff, body: { title: 'Small Noir' } });
    const res = await f.server.request('PUT', `/api/products/${product.id}`, {
      token: f.staff,
      body: { options: [...product.options, { name: 'Fabric', values: ['Cotton', 'Linen'] }] },
    });
    expect(res.status).toBe(200);
    expect(res.body.variants.map((v: { title: string; optionValues: Record<string, string> }) => [v.title, v.optionValues.Fabric])).toEqual([
      ['Small Noir', 'Cotton'],
      ['S / White / Cotton', 'Cotton'],
      ['M / Black / Cotton', 'Cotton'],
      ['M / White / Cotton', 'Cotton'],
    ]);
    // Taking an option away again is refused while variants use it, and changes nothing.
    const dropped = await f.server.request('PUT', `/api/products/${product.id}`, { token: f.staff, body: { options: product.options } });
    expect([dropped.status, dropped.body.reason]).toEqual([400, 'invalid_option_value']);
    const read = await f.server.request('GET', `/api/products/${product.id}`, { token: f.staff });
    expect(read.body.options.map((o: { name: string }) => o.name)).toEqual(['Size', 'Color', 'Fabric']);
  });
});

describe('stock per variant', () => {
  it('sets and adjusts a variant, and lists low stock per variant', async () => {
    const product = await tshirt();
    const white = variantOf(product, 'M / White');
    const set = await f.server.request('PUT', `/api/variants/${white.id}/stock`, { token: f.staff, body: { stock: 8 } });
    expect(set.body).toMatchObject({ id: white.id, stock: 8 });
    const short = await f.server.request('POST', `/api/variants/${white.id}/stock-adjustments`, {
      token: f.staff,
      body: { delta: -9 },
    });
    expect([short.status, short.body.reason, short.body.data.variantId]).toEqual([409, 'insufficient_stock', white.id]);
    const taken = await f.server.request('POST', `/api/variants/${white.id}/stock-adjustments`, { token: f.staff, body: { delta: -8 } });
    expect(taken.body.stock).toBe(0);
    const read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(read.body.stock).toBe(8);
    const low = await f.server.request('GET', '/api/inventory/low-stock?limit=50', { token: f.staff });
    const mine = low.body.items.filter((i: { productId: number }) => i.productId === product.id);
    expect(mine.map((i: { title: string; stock: number }) => [i.title, i.stock])).toEqual([
      ['S / White', 0],
      ['M / White', 0],
      ['S / Black', 3],
      ['M / Black', 5],
    ]);
    expect((await f.server.request('PUT', '/api/variants/999999/stock', { token: f.staff, body: { stock: 1 } })).status).toBe(404);
  });

  it('finds a product by a variant sku, in any case, and not by an archived one', async () => {
    const product = await tshirt();
    const sku = variantOf(product, 'M / Black').sku!;
    const found = await f.server.request('GET', `/api/products?q=${encodeURIComponent(sku.toLowerCase())}`);
    expect(found.body.items.map((p: { id: number }) => p.id)).toEqual([product.id]);
    await f.server.request('DELETE', `/api/products/${product.id}/variants/${variantOf(product, 'M / Black').id}`, { token: f.staff });
    const gone = await f.server.request('GET', `/api/products?q=${encodeURIComponent(sku)}`);
    expect(gone.body.items).toEqual([]);
  });
});

describe('cart and orders on variants', () => {
  it('needs variantId for a product with several variants, and refuses one of another product (400 naming it)', async () => {
    const product = await tshirt();
    const other = await tshirt();
    const missing = await f.server.request('POST', '/api/cart/items', {
      token: f.customer,
      body: { productId: product.id, quantity: 1 },
    });
    expect([missing.status, missing.body.reason, missing.body.data.field]).toEqual([400, 'variant_required', 'variantId']);
    const wrong = await f.server.request('POST', '/api/orders', {
      token: f.customer,
      body: { items: [{ productId: product.id, variantId: other.variants[0].id, quantity: 1 }] },
    });
    expect([wrong.status, wrong.body.reason, wrong.body.data.field]).toEqual([400, 'variant_mismatch', 'variantId']);
    const order = await f.server.request('POST', '/api/orders', {
      token: f.customer,
      body: { items: [{ productId: product.id, quantity: 1 }] },
    });
    expect([order.status, order.body.reason]).toEqual([400, 'variant_required']);
  });

  it('takes stock per variant; lines show the variant title and sku, also after a rename or archive', async () => {
    const product = await tshirt();
    const black = variantOf(product, 'M / Black');
    const white = variantOf(product, 'M / White');
    const placed = await f.server.request('POST', '/api/orders', {
      token: f.customer,
      body: {
        items: [
          { productId: product.id, variantId: black.id, quantity: 2 },
          { productId: product.id, variantId: white.id, quantity: 1 },
        ],
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body.items).toEqual([
      expect.objectContaining({ variantId: black.id, variantTitle: 'M / Black', sku: black.sku, quantity: 2, unitPriceCents: 2200 }),
      expect.objectContaining({ variantId: white.id, variantTitle: 'M / White', sku: white.sku, quantity: 1 }),
    ]);
    expect(placed.body.totalCents).toBe(6600);
    let read = await f.server.request('GET', `/api/products/${product.id}`);
    expect(variantOf(read.body, 'M / Black')).toMatchObject({ stock: 3 });
    expect(variantOf(read.body, 'M / White')).toMatchObject({ stock: 0 });
    expect(read.body.stock).toBe(6);
    // White is sold out: one more is a 409 naming the product and the variant.
    const more = await f.server.request('POST', '/api/orders', {
      token: f.customer,
      body: { items: [{ productId: product.id, variantId: white.id, quantity: 1 }] },
    });
    expect([more.status, more.body.reason, more.body.data]).toEqual([
      409,
      'out_of_stock',
      expect.objectContaining({ productId: product.id, variantId: white.id }),
    ]);
    // Renamed and archived afterwards: the past order still says what was bought.
    await f.server.request('PUT', `/api/products/${product.id}/variants/${black.id}`, { token: f.staff, body: { title: 'Medium Noir' } });
    await f.server.request('DELETE', `/api/products/${product.id}/variants/${white.id}`, { token: f.staff });
    const past = await f.server.request('GET', `/api/orders/${placed.body.id}`, { token: f.customer });
    expect(past.body.items.map((i: { variantTitle: string }) => i.variantTitle)).toEqual(['M / Black', 'M / White']);
    // Cancelling returns each variant's units; those of the archived one no longer count for sale.
    await f.server.request('POST', `/api/orders/${placed.body.id}/cancel`, { token: f.customer });
    read = await f.server.request('GET', `/api/products/${product.id}`, { token: f.staff });
    expect(variantOf(read.body, 'Medium Noir')).toMatchObject({ stock: 5 });
    expect(read.body.stock).toBe(3 + 0 + 5);
  });

  it('keeps one cart line per variant, checks them out, and flags a line whose variant went', async () => {
    const { token } = await createUserWithToken(f.server.runtime, 'customer');
    const product = await tshirt();
    const black = variantOf(product, 'S / Black');
    const white = variantOf(product, 'M / White');
    await f.server.request('POST', '/api/cart/items', { token, body: { productId: product.id, variantId: black.id, quantity: 1 } });
    const cart = await f.server.request('POST', '/api/cart/items', {
      token,
      body: { productId: product.id, variantId: white.id, quantity: 1 },
    });
    expect(cart.body.items.map((i: { variantTitle: string; sku: string }) => i.variantTitle)).toEqual(['S / Black', 'M / White']);
    expect(cart.body.subtotalCents).toBe(4200);
    // Two lines of one product: a path change must say which.
    const which = await f.server.request('PUT', `/api/cart/items/${product.id}`, { token, body: { quantity: 2 } });
    expect([which.status, which.body.reason]).toEqual([400, 'variant_required']);
    const two = await f.server.request('PUT', `/api/cart/items/${product.id}`, { token, body: { quantity: 2, variantId: black.id } });
    expect(two.body.items[0].quantity).toBe(2);
    await f.server.request('DELETE', `/api/products/${product.id}/variants/${white.id}`, { token: f.staff });
    const flagged = await f.server.request('GET', '/api/cart', { token });
    expect(flagged.body.items[1]).toMatchObject({ variantId: white.id, available: false, reason: 'archived' });
    const refused = await f.server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect([refused.status, refused.body.reason, refused.body.data.variantId]).toEqual([409, 'line_unavailable', white.id]);
    await f.server.request('DELETE', `/api/cart/items/${product.id}?variantId=${white.id}`, { token });
    const done = await f.server.request('POST', '/api/cart/checkout', { token, body: {} });
    expect(done.status).toBe(200);
    expect(done.body.items).toEqual([expect.objectContaining({ variantId: black.id, quantity: 2 })]);
  });

  it('serves cached public reads until a variant changes, then the change at once', async () => {
    const product = await tshirt();
    const url = `/api/products/${product.id}`;
    await f.server.request('GET', url);
    expect((await f.server.request('GET', url)).headers['x-cache']).toBe('hit');
    const black = variantOf(product, 'S / Black');
    await f.server.request('PUT', `/api/products/${product.id}/variants/${black.id}`, { token: f.staff, body: { priceCents: 1500 } });
    const after = await f.server.request('GET', url);
    expect(after.headers['x-cache']).toBe('miss');
    expect(after.body.priceCents).toBe(1500);
  });
});

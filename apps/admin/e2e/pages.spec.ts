import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, registerCustomer, rest, signInAsAdmin } from './helpers';
import { admin } from './stack';

const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));
mkdirSync(screenshots, { recursive: true });

const widths = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

/** A coupon, a shipping method, a tax rate and a webhook endpoint to look at (made once, found after). */
async function pricingAndWebhooks() {
  const { body: login } = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  const token = login.token;
  const { body: coupons } = await rest<{ items: { id: number; code: string }[] }>('GET', '/coupons', { token });
  let coupon = coupons.items.find((c) => c.code === 'SPRING15');
  if (!coupon) {
    const created = await rest<{ id: number; code: string }>('POST', '/coupons', {
      token,
      body: { code: 'SPRING15', kind: 'percent', value: 15, minSubtotalCents: 5000, usageLimit: 200, perCustomerLimit: 1, startsAt: '2026-03-01T00:00:00Z', endsAt: '2027-05-31T23:59:00Z' },
    });
    coupon = created.body;
    await rest('POST', '/coupons', { token, body: { code: 'TENOFF', kind: 'fixed', value: 1000, isActive: false } });
    await rest('POST', '/shipping-methods', { token, body: { name: 'Standard', priceCents: 595, freeOverCents: 7500, countries: ['FR', 'BE', 'NL'], minDays: 3, maxDays: 5 } });
    await rest('POST', '/tax-rates', { token, body: { country: 'FR', ratePercent: 20 } });
    await rest('POST', '/tax-rates', { token, body: { country: 'CA', region: 'QC', ratePercent: 14.975, includesShipping: true } });
  }
  const { body: endpoints } = await rest<{ items: { id: number; url: string }[] }>('GET', '/webhook-endpoints?limit=50', { token });
  let endpoint = endpoints.items.find((e) => e.url === 'https://erp.example.test/hooks/commerce');
  if (!endpoint) {
    const created = await rest<{ id: number; url: string }>('POST', '/webhook-endpoints', {
      token,
      body: { url: 'https://erp.example.test/hooks/commerce', events: ['inventory.low_stock'], description: 'ERP stock sync' },
    });
    endpoint = created.body;
  }
  return { coupon: coupon!, endpoint: endpoint! };
}

/** Every page a shop owner visits, each ready when its heading and data are on screen. */
async function pages(): Promise<{ name: string; path: string; heading: string | RegExp }[]> {
  const { body: products } = await rest<{ items: { id: number; name: string }[] }>('GET', '/products?limit=1&sort=name');
  const product = products.items[0]!;
  // A product sold in sizes and colours: the options editor and the variant table.
  const { body: apparel } = await rest<{ items: { id: number; name: string }[] }>('GET', `/products?q=${encodeURIComponent('Essential Cotton T-Shirt')}&limit=1`);
  const tee = apparel.items[0]!;
  // A customer with an address book and a review waiting for moderation.
  const shopper = await registerCustomer();
  const address = { name: 'Sam Shopper', line1: '1 Test Street', line2: 'Flat 2', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US', isDefaultShipping: true };
  await rest('POST', '/addresses', { token: shopper.token, body: address });
  await rest('POST', '/addresses', { token: shopper.token, body: { ...address, line1: '40 Office Park', line2: undefined, isDefaultShipping: false, isDefaultBilling: true } });
  await rest('POST', `/products/${tee.id}/reviews`, {
    token: shopper.token,
    body: { rating: 4, title: 'Soft, runs a little small', body: 'Lovely fabric and the colour held up after several washes.\nOrder one size up if you are between sizes.' },
  });
  const { coupon, endpoint } = await pricingAndWebhooks();
  return [
    { name: 'home', path: '/', heading: 'Home' },
    { name: 'products', path: '/products', heading: 'Products' },
    { name: 'product-new', path: '/products/new', heading: 'New product' },
    { name: 'product-import', path: '/products/import', heading: 'Import products' },
    { name: 'product-edit', path: `/products/${product.id}`, heading: product.name },
    { name: 'product-variants', path: `/products/${tee.id}`, heading: tee.name },
    { name: 'categories', path: '/categories', heading: 'Categories' },
    { name: 'orders', path: '/orders', heading: 'Orders' },
    { name: 'order', path: '/orders/1', heading: 'Order #1' },
    { name: 'customers', path: '/customers', heading: 'Customers' },
    { name: 'customer', path: '/customers/1', heading: /.+/ },
    { name: 'customer-addresses', path: `/customers/${shopper.id}`, heading: 'Sam Shopper' },
    { name: 'reviews', path: '/reviews', heading: 'Reviews' },
    { name: 'coupons', path: '/coupons', heading: 'Coupons' },
    { name: 'coupon-new', path: '/coupons/new', heading: 'New coupon' },
    { name: 'coupon-edit', path: `/coupons/${coupon.id}`, heading: coupon.code },
    { name: 'shipping-methods', path: '/shipping-methods', heading: 'Shipping methods' },
    { name: 'tax-rates', path: '/tax-rates', heading: 'Tax rates' },
    { name: 'webhooks', path: '/webhooks', heading: 'Webhooks' },
    { name: 'webhook', path: `/webhooks/${endpoint.id}`, heading: 'Webhook endpoint' },
    { name: 'audit', path: '/audit', heading: 'Audit log' },
  ];
}

async function settle(page: Page) {
  // Skeletons gone: every query on the page answered.
  await expect(page.locator('[role="status"]')).toHaveCount(0);
  await page.waitForLoadState('networkidle');
}

for (const size of widths) {
  test(`every page passes axe and is photographed at ${size.width} px`, async ({ page }) => {
    // Nineteen pages, each checked by axe, on a small shared machine.
    test.setTimeout(300_000);
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto('/login');
    await expectAccessible(page);
    await page.screenshot({ path: `${screenshots}/login-${size.width}.png`, fullPage: true });
    await signInAsAdmin(page);
    for (const target of await pages()) {
      await page.goto(target.path);
      await expect(page.getByRole('heading', { level: 1, name: target.heading })).toBeVisible();
      await settle(page);
      await expectAccessible(page);
      await page.screenshot({ path: `${screenshots}/${target.name}-${size.width}.png`, fullPage: true });
    }
  });
}

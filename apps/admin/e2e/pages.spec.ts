import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, registerCustomer, rest, signInAsAdmin } from './helpers';

const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));
mkdirSync(screenshots, { recursive: true });

const widths = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

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
  return [
    { name: 'home', path: '/', heading: 'Home' },
    { name: 'products', path: '/products', heading: 'Products' },
    { name: 'product-new', path: '/products/new', heading: 'New product' },
    { name: 'product-edit', path: `/products/${product.id}`, heading: product.name },
    { name: 'product-variants', path: `/products/${tee.id}`, heading: tee.name },
    { name: 'categories', path: '/categories', heading: 'Categories' },
    { name: 'orders', path: '/orders', heading: 'Orders' },
    { name: 'order', path: '/orders/1', heading: 'Order #1' },
    { name: 'customers', path: '/customers', heading: 'Customers' },
    { name: 'customer', path: '/customers/1', heading: /.+/ },
    { name: 'customer-addresses', path: `/customers/${shopper.id}`, heading: 'Sam Shopper' },
    { name: 'reviews', path: '/reviews', heading: 'Reviews' },
  ];
}

async function settle(page: Page) {
  // Skeletons gone: every query on the page answered.
  await expect(page.locator('[role="status"]')).toHaveCount(0);
  await page.waitForLoadState('networkidle');
}

for (const size of widths) {
  test(`every page passes axe and is photographed at ${size.width} px`, async ({ page }) => {
    // Twelve pages, each checked by axe, on a small shared machine.
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

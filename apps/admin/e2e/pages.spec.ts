import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, rest, signInAsAdmin } from './helpers';

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
    // Ten pages, each checked by axe, on a small shared machine.
    test.setTimeout(180_000);
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

import { randomUUID } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { rest, signInAsAdmin } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

const header = 'sku,product_name,price_cents,stock';

async function choose(page: Page, csv: string) {
  await page.getByLabel('Choose a file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
}

const stat = (page: Page, label: string) => page.locator(`dt:text-is("${label}") + dd`);

test('a file with a refused row shows where, and cannot be applied; the corrected file imports', async ({ page }) => {
  const sku = `CSV-${randomUUID().slice(0, 6).toUpperCase()}`;
  const name = `Imported Kettle ${sku}`;
  await page.goto('/products');
  await page.getByRole('link', { name: 'Import CSV' }).click();
  await expect(page.getByRole('heading', { name: 'Import products', level: 1 })).toBeVisible();

  await choose(page, `${header}\n${sku},${name},2999,4\n,No Sku Mug,-5,1\n`);
  await expect(page.getByRole('heading', { name: 'Dry run of products.csv' })).toBeVisible();
  await expect(stat(page, 'To create')).toHaveText('1');
  await expect(stat(page, 'Refused')).toHaveText('1');
  const problems = page.getByRole('table', { name: 'Problems in the file' });
  await expect(problems.getByRole('row', { name: /^3 sku Required/ })).toBeVisible();
  await expect(problems.getByRole('row', { name: /^3 price_cents A whole number of cents/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Apply import' })).toBeDisabled();

  await choose(page, `${header}\n${sku},${name},2999,4\n`);
  await expect(stat(page, 'To create')).toHaveText('1');
  await expect(stat(page, 'Refused')).toHaveText('0');
  await expect(page.getByRole('table', { name: 'Problems in the file' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByRole('heading', { name: 'Imported products.csv' })).toBeVisible();
  await expect(stat(page, 'Created')).toHaveText('1');

  const { body } = await rest<{ items: { name: string; sku: string; priceCents: number; stock: number }[] }>('GET', `/products?q=${sku}`);
  expect(body.items).toEqual([expect.objectContaining({ name, sku, priceCents: 2999, stock: 4 })]);
  await page.getByRole('link', { name: 'Back to products' }).click();
  await expect(page.getByRole('heading', { name: 'Products', level: 1 })).toBeVisible();
});

test('the export links carry the list filters and download CSV with the session', async ({ page }) => {
  await page.goto('/products?inStock=true&q=shirt');
  const link = page.getByRole('link', { name: 'Export CSV' });
  const href = await link.getAttribute('href');
  expect(href).toBe('/api/exports/products.csv?q=shirt&inStock=true');
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/csv/);
  expect((await response.text()).split('\n')[0]).toMatch(/^sku,product_name,/);

  await page.goto('/orders?status=paid');
  const orders = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(orders).toBe('/api/exports/orders.csv?status=paid');
  const csv = await page.request.get(orders!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
});

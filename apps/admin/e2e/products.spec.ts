import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { rest, signInAsAdmin } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test('create a product, adjust its stock, and see it in the public REST list', async ({ page }) => {
  const name = `Field Lantern ${randomUUID().slice(0, 6)}`;
  const sku = `LAN-${randomUUID().slice(0, 6).toUpperCase()}`;
  await page.getByRole('link', { name: 'Products', exact: true }).click();
  await page.getByRole('link', { name: 'New product' }).click();

  // The router's own schema speaks first: a missing name is refused beside its field.
  await page.getByLabel('Price (USD)').fill('24.50');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.locator('#name-error')).toBeVisible();

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('A warm light for long evenings.');
  await page.getByLabel('SKU').fill(sku);
  await page.getByLabel('Stock on hand').fill('7');
  await page.getByLabel('Category').selectOption({ label: 'Sports & Outdoors › Camping' });
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('7');
  await page.reload();
  await expect(page.getByLabel('Category').locator('option:checked')).toHaveText('Sports & Outdoors › Camping');

  await page.getByLabel('Adjust by').fill('5');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('12');

  const { body } = await rest<{ items: { name: string; sku: string; priceCents: number; stock: number }[] }>('GET', `/products?q=${encodeURIComponent(name)}`);
  expect(body.items).toEqual([expect.objectContaining({ name, sku, priceCents: 2450, stock: 12 })]);

  // Search narrows the admin table to it, and the search is in the URL.
  await page.goto('/products');
  await page.getByLabel('Search products').fill(name);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/q=Field\+Lantern/);
  await expect(page.getByText('1 product', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name })).toBeVisible();
});

test('a duplicate SKU is refused beside the SKU field', async ({ page }) => {
  await page.goto('/products/new');
  await page.getByLabel('Name').fill('Copy of the oxford shirt');
  await page.getByLabel('Price (USD)').fill('10');
  await page.getByLabel('SKU').fill('SKU-00001');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page.locator('#sku-error')).toContainText(/sku/i);
});

test('the table state lives in the URL and survives a reload', async ({ page }) => {
  await page.goto('/products');
  await page.getByLabel('Category').selectOption({ label: '\u2003Audio' });
  await page.getByLabel('Status').selectOption('true');
  await page.getByLabel('Sort').selectOption('price_desc');
  await expect(page).toHaveURL(/categoryId=\d+/);
  await expect(page).toHaveURL(/active=true/);
  await expect(page).toHaveURL(/sort=price_desc/);
  const firstRow = page.locator('tbody tr').first();
  await expect(firstRow).toContainText('Wireless Noise-Cancelling Headphones');

  await page.reload();
  await expect(page.getByLabel('Sort')).toHaveValue('price_desc');
  await expect(page.getByLabel('Status')).toHaveValue('true');
  await expect(page.getByLabel('Category').locator('option:checked')).toHaveText(/Audio/);
  await expect(page.locator('tbody tr').first()).toContainText('Wireless Noise-Cancelling Headphones');

  await page.goBack();
  await expect(page.getByLabel('Sort')).toHaveValue('newest');
});

test('categories: create, rename, and a refusal in plain words', async ({ page }) => {
  const name = `Lighting ${randomUUID().slice(0, 4)}`;
  await page.goto('/categories');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Create category' }).click();
  await expect(page.getByRole('list', { name: 'Categories' }).getByText(name, { exact: true })).toBeVisible();

  await page.getByRole('button', { name: `Rename or move ${name}` }).click();
  await page.getByLabel('Name', { exact: true }).first().fill(`${name} & Lamps`);
  await page.getByRole('button', { name: 'Save' }).click();
  const tree = page.getByRole('list', { name: 'Categories' });
  await expect(tree.getByText(`${name} & Lamps`, { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Delete Books' }).click();
  await expect(page.getByText('The category still has subcategories or products: move them first.')).toBeVisible();

  await page.getByRole('button', { name: `Delete ${name} & Lamps` }).click();
  await expect(tree.getByText(`${name} & Lamps`, { exact: true })).toHaveCount(0);
});

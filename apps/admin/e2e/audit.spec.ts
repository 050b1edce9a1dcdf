import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { rest, signInAsAdmin } from './helpers';
import { admin } from './stack';

test('a price edited in the admin shows in the audit log, before and after, and from the product', async ({ page }) => {
  const { body: auth } = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  const name = `Audit Kettle ${randomUUID().slice(0, 6)}`;
  const { body: product } = await rest<{ id: number }>('POST', '/products', { token: auth.token, body: { name, priceCents: 3900, stock: 4 } });

  await signInAsAdmin(page);
  await page.goto(`/products/${product.id}`);
  await page.getByLabel('Price (USD)').fill('42.50');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();

  // The product's own link opens the log filtered to it.
  await page.getByRole('main').getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(new RegExp(`/audit\\?entityType=product&entityId=${product.id}$`));
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  const changes = page.getByRole('list', { name: 'Changes' }).getByRole('listitem');
  await expect(changes).toHaveCount(2);
  const edit = changes.first();
  await expect(edit).toContainText('Changed');
  await expect(edit).toContainText(`Product #${product.id}`);
  await expect(edit).toContainText('admin@example.test');
  await expect(edit.getByRole('definition')).toHaveText(/\$39\.00\s*→?\s*changed to\s*\$42\.50/);
  await expect(changes.nth(1)).toContainText('Created');

  // From the whole log, filtered by hand.
  await page.goto('/audit');
  await page.getByLabel('What', { exact: true }).selectOption('product');
  await page.getByLabel('Change', { exact: true }).selectOption('update');
  await expect(page).toHaveURL(/entityType=product/);
  await expect(page).toHaveURL(/action=update/);
  await expect(page.getByRole('list', { name: 'Changes' }).getByRole('listitem').first()).toContainText(`Product #${product.id}`);
});

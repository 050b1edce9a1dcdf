import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { rest, signInAsAdmin } from './helpers';
import { admin } from './stack';

test('bulk-deactivates everything a search matches, after a confirmation naming the count', async ({ page }) => {
  const login = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  const marker = `Bulkmark${randomUUID().slice(0, 6)}`;
  const ids: number[] = [];
  // More than one page of the list (20), so "everything matching" goes past what is on screen.
  for (let i = 0; i < 23; i += 1) {
    const created = await rest<{ id: number }>('POST', '/products', { token: login.body.token, body: { name: `${marker} mug ${i}`, priceCents: 1200, stock: 5 } });
    expect(created.status).toBe(200);
    ids.push(created.body.id);
  }

  await signInAsAdmin(page);
  await page.goto(`/products?q=${marker}`);
  await expect(page.getByText('23 products')).toBeVisible();
  await page.getByLabel('Select every product on this page').check();
  await expect(page.getByText('20 products selected.')).toBeVisible();
  await page.getByRole('button', { name: 'Select all 23 products matching this filter' }).click();
  await expect(page.getByText('All 23 products matching this filter are selected.')).toBeVisible();
  await page.getByRole('combobox', { name: 'Bulk action' }).selectOption('deactivate');
  await page.getByRole('button', { name: 'Apply…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Confirm bulk action' });
  await expect(confirm).toContainText('Deactivate 23 products?');
  // Nothing changed before the confirmation.
  expect((await rest('GET', `/products/${ids[0]}`)).status).toBe(200);
  await confirm.getByRole('button', { name: 'Deactivate 23 products' }).click();
  await expect(page.getByText('Deactivate: 23 products changed.').first()).toBeVisible();

  const publicList = await rest<{ total: number }>('GET', `/products?q=${marker}`);
  expect(publicList.body.total).toBe(0);
  for (const id of [ids[0], ids[22]]) expect((await rest('GET', `/products/${id}`)).status).toBe(404);
  await expect(page.getByRole('row').filter({ hasText: `${marker} mug 22` }).getByText('Inactive')).toBeVisible();
});

import { expect, test } from '@playwright/test';
import { placeOrder, registerCustomer, signInAsAdmin, someProduct } from './helpers';

test('⌘K finds a product by SKU, an order by number and a customer by email; g o and ? work', async ({ page }) => {
  const customer = await registerCustomer();
  const product = await someProduct();
  const order = await placeOrder(customer.token, product.id);
  await signInAsAdmin(page);

  const palette = page.getByRole('dialog', { name: 'Search the shop' });
  const search = page.getByLabel('Search products, orders and customers');

  await page.keyboard.press('ControlOrMeta+k');
  await expect(palette).toBeVisible();
  await search.fill('SKU-00025');
  await expect(palette.getByRole('option').first()).toContainText('SKU-00025');
  await search.press('Enter');
  await expect(page).toHaveURL(/\/products\/\d+$/);
  await expect(palette).toHaveCount(0);

  await page.getByRole('button', { name: /Find anything/ }).click();
  await search.fill(`#${order.id}`);
  await expect(palette.getByRole('option', { name: new RegExp(`Order #${order.id}\\b`) })).toBeVisible();
  await search.press('Enter');
  await expect(page.getByRole('heading', { name: `Order #${order.id}` })).toBeVisible();

  await page.keyboard.press('/');
  await search.fill(customer.email);
  await expect(palette.getByText('Customers', { exact: true })).toBeVisible();
  await palette.getByRole('option').filter({ hasText: '1 order' }).first().click();
  await expect(page).toHaveURL(/\/customers\/\d+$/);

  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.keyboard.press('g');
  await page.keyboard.press('o');
  await expect(page).toHaveURL(/\/orders$/);
});

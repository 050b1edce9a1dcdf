import { expect, test } from '@playwright/test';
import { placeOrder, registerCustomer, signInAsAdmin, someProduct } from './helpers';

test('an order placed through REST appears on open pages without a reload, with a toast', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/orders');
  await expect(page.getByText('Live updates on').first()).toBeAttached();
  await expect(page.locator('tbody tr').first()).toBeVisible();

  const customer = await registerCustomer();
  const product = await someProduct();
  const order = await placeOrder(customer.token, product.id);

  // No reload: the live feed brings the toast, and the list refetches.
  const toast = page.getByText(`New order #${order.id}`);
  await expect(toast).toBeVisible({ timeout: 5000 });
  await expect(page.getByRole('link', { name: `#${order.id}`, exact: true })).toBeVisible({ timeout: 5000 });

  // The home page's latest orders follow too.
  await page.getByRole('link', { name: 'Home', exact: true }).first().click();
  const second = await placeOrder(customer.token, product.id);
  await expect(page.getByText(`New order #${second.id}`)).toBeVisible({ timeout: 5000 });
  await expect(page.getByRole('link', { name: `Order #${second.id}`, exact: true })).toBeVisible({ timeout: 5000 });

  // The toast's action opens the order.
  await page.locator('[data-sonner-toast]', { hasText: `New order #${second.id}` }).getByRole('button', { name: 'View' }).click();
  await expect(page.getByRole('heading', { name: `Order #${second.id}` })).toBeVisible();
});

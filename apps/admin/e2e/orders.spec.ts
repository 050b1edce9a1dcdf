import { expect, test } from '@playwright/test';
import { placeOrder, registerCustomer, rest, signInAsAdmin, someProduct } from './helpers';

test('an order placed through REST is marked paid and shipped from the admin', async ({ page }) => {
  const customer = await registerCustomer();
  const product = await someProduct();
  const order = await placeOrder(customer.token, product.id, 2);
  expect(order.status).toBe('pending');

  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Orders', exact: true }).click();
  await page.getByLabel('Customer email or name').fill(customer.email);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: `#${order.id}` }).click();
  await expect(page.getByRole('heading', { name: `Order #${order.id}` })).toBeVisible();
  await expect(page.getByText(customer.email)).toBeVisible();
  await expect(page.getByText('1 Test Street')).toBeVisible();

  // From pending: pay or cancel, nothing else.
  await expect(page.getByRole('button', { name: 'Mark as shipped' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Mark as paid' }).click();
  await expect(page.getByRole('main').getByText('Paid', { exact: true }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Mark as shipped' }).click();
  await expect(page.getByRole('button', { name: 'Mark as delivered' })).toBeVisible();
  await expect(page.getByText('Paid → Shipped')).toBeVisible();

  // An illegal move (shipped → paid, or cancelling a shipped order) has no button.
  await expect(page.getByRole('button', { name: 'Mark as paid' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Cancel order' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Refund' })).toBeVisible();

  const { body } = await rest<{ status: string }>('GET', `/orders/${order.id}`, { token: customer.token });
  expect(body.status).toBe('shipped');
});

test('a cancelled order offers no next step, and cancelling asks first', async ({ page }) => {
  const customer = await registerCustomer();
  const product = await someProduct();
  const order = await placeOrder(customer.token, product.id);
  await signInAsAdmin(page);
  await page.goto(`/orders/${order.id}`);
  await page.getByRole('button', { name: 'Cancel order' }).click();
  await page.getByRole('button', { name: 'Yes, cancel order' }).click();
  await expect(page.getByText('This order is cancelled: nothing more to do.')).toBeVisible();
  for (const name of ['Mark as paid', 'Mark as shipped', 'Refund', 'Cancel order']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
});

test('orders filter by status, and the filter survives a reload', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/orders');
  await page.getByLabel('Status').selectOption('delivered');
  await expect(page).toHaveURL(/status=delivered/);
  await expect(page.locator('tbody tr').first()).toContainText('Delivered');
  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('delivered');
  // The rows after the reload, not the loading skeleton before them.
  await expect(page.locator('tbody tr').first()).toContainText('Delivered');
  const statuses = await page.locator('tbody tr td:nth-child(4)').allInnerTexts();
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(['Delivered']));
});

test('customers: search, totals, and the last-admin rule as a sentence', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/customers');
  await page.getByLabel('Search customers').fill('admin@example.test');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'admin@example.test' }).click();
  await page.getByLabel('What this person may do').selectOption('staff');
  await page.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'last admin' })).toContainText('The last admin cannot lose the admin role');
  await expect(page.getByLabel('What this person may do')).toHaveValue('admin');
});

import { expect, test } from '@playwright/test';
import { registerCustomer, signIn } from './helpers';

test('an admin signs in, sees the home figures, and signs out', async ({ page, context }) => {
  await page.goto('/orders');
  await expect(page).toHaveURL(/\/login\?next=%2Forders/);
  await signIn(page, undefined, { navigate: false });
  await expect(page.getByRole('heading', { name: 'Orders', level: 1 })).toBeVisible();
  const cookie = (await context.cookies()).find((c) => c.name === 'commerce_session');
  expect(cookie?.httpOnly).toBe(true);

  await page.getByRole('link', { name: 'Home', exact: true }).click();
  await expect(page.getByText('Revenue today')).toBeVisible();
  await expect(page.getByText('Orders, last 7 days')).toBeVisible();
  await expect(page.getByRole('img', { name: /Daily revenue chart/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Latest orders' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  expect((await context.cookies()).find((c) => c.name === 'commerce_session')).toBeUndefined();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a customer is refused with a clear message and keeps no session', async ({ page, context }) => {
  const customer = await registerCustomer();
  await signIn(page, customer);
  await expect(page.getByRole('alert').filter({ hasText: 'This is a customer account' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  expect((await context.cookies()).find((c) => c.name === 'commerce_session')).toBeUndefined();
  await page.goto('/products');
  await expect(page).toHaveURL(/\/login/);
});

test('a wrong password is one generic message, shown beside the form', async ({ page }) => {
  await signIn(page, { email: 'admin@example.test', password: 'not the password' });
  await expect(page.getByRole('alert').filter({ hasText: 'Invalid' })).toHaveText('Invalid email or password.');
});

test('zod messages from the login schema appear beside their fields', async ({ page }) => {
  await signIn(page, { email: 'not-an-email', password: 'short' });
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('Password must be at least 8 characters')).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
});

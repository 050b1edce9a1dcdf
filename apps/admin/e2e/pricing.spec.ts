import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { money, percent } from '../lib/format';
import { registerCustomer, rest, signInAsAdmin, someProduct } from './helpers';
import { admin } from './stack';

const address = (country: string) => ({ name: 'Sam Shopper', line1: '1 Test Street', city: 'Springfield', postalCode: '12345', country });

async function adminToken() {
  const { body } = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  return body.token;
}

test('a coupon made in the admin applies to a REST cart, and its use shows on the page', async ({ page }) => {
  const code = `SAVE10-${randomUUID().slice(0, 6).toUpperCase()}`;
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Coupons', exact: true }).click();
  await page.getByRole('link', { name: 'New coupon' }).click();
  await page.getByLabel('Code').fill(code.toLowerCase());
  await page.getByLabel('Type').selectOption('percent');
  await page.getByLabel('Percent off').fill('10');
  await page.getByLabel('Total uses').fill('5');
  await page.getByLabel('Uses per customer').fill('1');
  await page.getByRole('button', { name: 'Create coupon' }).click();
  await expect(page).toHaveURL(/\/coupons$/);
  const row = page.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText('10% off');
  await expect(page.getByTestId(`usage-${code}`)).toHaveText('0 of 5');

  // A storefront applies it in any case and checks out.
  const customer = await registerCustomer();
  const product = await someProduct();
  expect((await rest('POST', '/cart/items', { token: customer.token, body: { productId: product.id, quantity: 2 } })).status).toBe(200);
  const applied = await rest<{ subtotalCents: number; discountCents: number; couponCode: string }>('PUT', '/cart/coupon', { token: customer.token, body: { code: code.toLowerCase() } });
  expect(applied.status).toBe(200);
  expect(applied.body.couponCode).toBe(code);
  expect(applied.body.discountCents).toBe(Math.round(applied.body.subtotalCents / 10));
  const order = await rest<{ id: number; couponCode: string; discountCents: number }>('POST', '/cart/checkout', {
    token: customer.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { shippingAddress: address('US') },
  });
  expect([200, 201]).toContain(order.status);
  expect(order.body.couponCode).toBe(code);

  await page.reload();
  await expect(page.getByTestId(`usage-${code}`)).toHaveText('1 of 5');
  await page.getByRole('link', { name: code }).click();
  await expect(page.getByRole('heading', { level: 1, name: code })).toBeVisible();
  await expect(page.getByText('used 1 time, 4 left')).toBeVisible();
  const used = page.getByRole('table', { name: 'Orders with this coupon' });
  await expect(used.getByRole('link', { name: `#${order.body.id}` })).toBeVisible();
  await expect(used).toContainText(money(-order.body.discountCents, 'USD'));

  // The order shows the discount with its code.
  await page.goto(`/orders/${order.body.id}`);
  const totals = page.locator('tfoot');
  await expect(totals.getByRole('row', { name: /Discount/ })).toContainText(`Coupon ${code}`);
  await expect(totals.getByRole('row', { name: /Discount/ })).toContainText(money(-order.body.discountCents, 'USD'));
});

test('a duplicate coupon code is refused beside the field, and a bad percent before sending', async ({ page }) => {
  const code = `DUP-${randomUUID().slice(0, 6).toUpperCase()}`;
  expect((await rest('POST', '/coupons', { token: await adminToken(), body: { code, kind: 'fixed', value: 500 } })).status).toBe(200);
  await signInAsAdmin(page);
  await page.goto('/coupons/new');
  await page.getByLabel('Percent off').fill('150');
  await page.getByLabel('Code').fill(code.toLowerCase());
  await page.getByRole('button', { name: 'Create coupon' }).click();
  await expect(page.locator('#coupon-value-error')).toHaveText('a percent coupon takes 1 to 100');
  await page.getByLabel('Percent off').fill('15');
  await page.getByRole('button', { name: 'Create coupon' }).click();
  await expect(page.locator('#coupon-code-error')).toContainText('Another coupon already has the code');
  await expect(page.getByLabel('Code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page).toHaveURL(/\/coupons\/new$/);
});

test('a coupon is deleted after a confirmation', async ({ page }) => {
  const code = `GONE-${randomUUID().slice(0, 6).toUpperCase()}`;
  const created = await rest<{ id: number }>('POST', '/coupons', { token: await adminToken(), body: { code, kind: 'fixed', value: 250, minSubtotalCents: 2000 } });
  await signInAsAdmin(page);
  await page.goto(`/coupons/${created.body.id}`);
  await expect(page.getByLabel('Amount off (USD)')).toHaveValue('2.50');
  await expect(page.getByLabel('Minimum subtotal (USD)')).toHaveValue('20.00');
  await page.getByRole('button', { name: 'Delete coupon' }).click();
  await page.getByRole('button', { name: 'Yes, delete coupon' }).click();
  await expect(page).toHaveURL(/\/coupons$/);
  await expect(page.getByRole('link', { name: code })).toHaveCount(0);
});

test('a shipping method and a tax rate made in the admin show in a new order’s breakdown', async ({ page }) => {
  const name = `Express ${randomUUID().slice(0, 4)}`;
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Shipping', exact: true }).click();
  const form = page.getByRole('form', { name: 'New shipping method' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Countries').fill('Germany');
  await form.getByLabel('Price (USD)').fill('9.90');
  await form.getByLabel('Delivery from (days)').fill('1');
  await form.getByLabel('to (days)').fill('3');
  await form.getByRole('button', { name: 'Create method' }).click();
  await expect(page.locator('#method-countries-error')).toContainText('ISO 3166-1 alpha-2');
  await form.getByLabel('Countries').fill('de, at');
  await form.getByRole('button', { name: 'Create method' }).click();
  const method = page.getByRole('list', { name: 'Shipping methods' }).getByRole('listitem').filter({ hasText: name });
  await expect(method).toContainText('1–3 days · DE, AT');
  await expect(method).toContainText('$9.90');

  // The same rule over REST: an invalid country is a 400.
  const token = await adminToken();
  const bad = await rest('POST', '/shipping-methods', { token, body: { name: 'Bad', priceCents: 100, countries: ['Germany'], minDays: 1, maxDays: 2 } });
  expect(bad.status).toBe(400);
  expect((await rest('POST', '/tax-rates', { token, body: { country: 'deu', ratePercent: 19 } })).status).toBe(400);

  await page.getByRole('link', { name: 'Tax rates', exact: true }).click();
  const rateForm = page.getByRole('form', { name: 'New tax rate' });
  await rateForm.getByLabel('Country').fill('D1');
  await rateForm.getByLabel('Rate (%)').fill('19');
  await rateForm.getByRole('button', { name: 'Add rate' }).click();
  await expect(page.locator('#rate-country-error')).toContainText('ISO 3166-1 alpha-2');
  await rateForm.getByLabel('Country').fill('de');
  await rateForm.getByRole('button', { name: 'Add rate' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'DE' })).toContainText(percent(19));
  // The same place twice: the 409 lands beside the field it names.
  await rateForm.getByLabel('Country').fill('DE');
  await rateForm.getByLabel('Rate (%)').fill('7');
  await rateForm.getByRole('button', { name: 'Add rate' }).click();
  await expect(page.locator('#rate-region-error')).toContainText('already exists');

  const customer = await registerCustomer();
  const product = await someProduct();
  const { body: methods } = await rest<{ items: { id: number; name: string }[] }>('GET', '/shipping-methods?country=DE');
  const chosen = methods.items.find((m) => m.name === name)!;
  const placed = await rest<{ id: number; subtotalCents: number; shippingCents: number; taxCents: number; totalCents: number }>('POST', '/orders', {
    token: customer.token,
    headers: { 'idempotency-key': randomUUID() },
    body: { items: [{ productId: product.id, quantity: 1 }], shippingAddress: address('DE'), shippingMethodId: chosen.id },
  });
  expect([200, 201]).toContain(placed.status);
  const o = placed.body;
  expect(o.shippingCents).toBe(990);
  expect(o.taxCents).toBe(Math.round((o.subtotalCents * 19) / 100));

  await page.goto(`/orders/${o.id}`);
  const totals = page.locator('tfoot');
  await expect(totals.getByRole('row', { name: /Subtotal/ })).toContainText(money(o.subtotalCents, 'USD'));
  await expect(totals.getByRole('row', { name: /Shipping/ })).toContainText(`${name} · 1–3 days`);
  await expect(totals.getByRole('row', { name: /Shipping/ })).toContainText('$9.90');
  await expect(totals.getByRole('row', { name: /Tax/ })).toContainText(money(o.taxCents, 'USD'));
  await expect(totals.getByRole('row', { name: /Total/ })).toContainText(money(o.totalCents, 'USD'));

  // Paid orders have an invoice; pending ones do not.
  await expect(page.getByRole('link', { name: 'Invoice (PDF)' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Mark as paid' }).click();
  const invoice = page.getByRole('link', { name: 'Invoice (PDF)' });
  await expect(invoice).toHaveAttribute('href', `/api/orders/${o.id}/invoice`);
  const pdf = await page.request.get(`/api/orders/${o.id}/invoice`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toContain('application/pdf');
});

import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { placeOrder, registerCustomer, rest, signIn, signInAsAdmin, someProduct } from './helpers';
import { admin } from './stack';

/** A receiver on a free local port that answers 200 and keeps what it got. */
async function receiver() {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => void (body += chunk.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks, got it');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { url, got, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A port nothing listens on: bound, then let go. */
async function deadUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/nobody-home`;
}

test('an endpoint registered in the admin shows its secret once, logs a signed delivery and sends it again', async ({ page }) => {
  test.setTimeout(90_000);
  const hook = await receiver();
  try {
    await signInAsAdmin(page);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    const form = page.getByRole('form', { name: 'Register an endpoint' });
    await form.getByLabel('URL').fill('ftp://example.com/x');
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    await expect(page.locator('#webhook-new-url-error')).toContainText('http:// or https://');
    await expect(form.getByText('Choose at least one event')).toBeVisible();

    await form.getByLabel('URL').fill(hook.url);
    await form.getByLabel(/Order placed/).check();
    await form.getByLabel('Description').fill('Warehouse system');
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').innerText()).trim();
    expect(secret.length).toBeGreaterThan(20);
    await expect(page.getByRole('region', { name: 'Signing secret' })).toContainText('shown this once');

    // Never again: not after a reload, not on the endpoint's page.
    await page.reload();
    await expect(page.getByRole('link', { name: hook.url })).toBeVisible();
    await expect(page.getByTestId('webhook-secret')).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);

    const customer = await registerCustomer();
    await placeOrder(customer.token, (await someProduct()).id);
    await page.getByRole('link', { name: hook.url }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhook endpoint' })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
    const delivery = page.getByRole('list', { name: 'Deliveries' }).getByRole('listitem').first();
    await expect(delivery).toContainText('Delivered', { timeout: 20_000 });
    await expect(delivery).toContainText('order.created');
    await expect(delivery).toContainText('HTTP 200');
    await expect(delivery).toContainText(/\d+ ms/);
    await expect(delivery).toContainText('1 try');
    await delivery.getByText('Response').click();
    await expect(delivery.locator('pre')).toHaveText('thanks, got it');

    // What arrived is signed with the secret shown once.
    const first = hook.got[0]!;
    expect(JSON.parse(first.body)).toMatchObject({ type: 'order.created' });
    const [t, v1] = String(first.headers['commerce-signature']).split(',').map((part) => part.split('=')[1]);
    expect(v1).toBe(createHmac('sha256', secret).update(`${t}.${first.body}`).digest('hex'));

    const before = hook.got.length;
    await delivery.getByRole('button', { name: /Retry delivery/ }).click();
    await expect(delivery).toContainText('2 tries', { timeout: 20_000 });
    await expect(delivery).toContainText('Delivered');
    expect(hook.got.length).toBe(before + 1);
    expect(JSON.parse(hook.got.at(-1)!.body).id).toBe(JSON.parse(first.body).id);

    // Paused, then resumed.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('main').getByText('Paused', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByRole('main').getByText('Active', { exact: true })).toBeVisible();
  } finally {
    await hook.close();
  }
});

test('a delivery to a dead port is logged with its error and next try, and cannot be retried while pending', async ({ page }) => {
  const url = await deadUrl();
  await signInAsAdmin(page);
  await page.goto('/webhooks');
  const form = page.getByRole('form', { name: 'Register an endpoint' });
  await form.getByLabel('URL').fill(url);
  await form.getByLabel(/Order placed/).check();
  await form.getByRole('button', { name: 'Register endpoint' }).click();
  await expect(page.getByTestId('webhook-secret')).toBeVisible();

  const customer = await registerCustomer();
  await placeOrder(customer.token, (await someProduct()).id);
  await page.getByRole('link', { name: url }).click();
  const delivery = page.getByRole('list', { name: 'Deliveries' }).getByRole('listitem').first();
  await expect(delivery).toContainText('Retrying', { timeout: 20_000 });
  await expect(delivery).toContainText('No answer');
  await expect(delivery).toContainText('Next try');
  await expect(delivery.getByRole('button', { name: /Retry delivery/ })).toBeDisabled();

  // Edit: change the events, then delete it after a confirmation.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel(/Order paid/).check();
  await page.getByRole('button', { name: 'Save endpoint' }).click();
  await expect(page.getByText('Order placed, Order paid')).toBeVisible();
  await page.getByRole('button', { name: 'Delete endpoint' }).click();
  await page.getByRole('button', { name: 'Yes, delete endpoint' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(page.getByRole('link', { name: url })).toHaveCount(0);
});

test('staff see the pricing pages but not webhooks', async ({ page }) => {
  const person = await registerCustomer();
  const { body: login } = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  expect((await rest('PUT', `/users/${person.id}/role`, { token: login.token, body: { role: 'staff' } })).status).toBe(200);
  await signIn(page, person);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Coupons' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Tax rates' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
  await page.goto('/webhooks');
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Could not load webhook endpoints');
});

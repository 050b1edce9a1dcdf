import { randomUUID } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { admin, apiUrl } from './stack';

export async function signIn(page: Page, credentials: { email: string; password: string } = admin, options = { navigate: true }) {
  if (options.navigate) await page.goto('/login');
  await page.getByLabel('Email').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAsAdmin(page: Page) {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Home', level: 1 })).toBeVisible();
}

/** A storefront's call to the REST API, with a bearer token. */
export async function rest<T = unknown>(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${apiUrl}/api${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = (await response.json().catch(() => null)) as T;
  return { status: response.status, body };
}

export async function registerCustomer() {
  const credentials = { email: `shopper-${randomUUID().slice(0, 8)}@example.test`, password: 'a shopper password' };
  const { status, body } = await rest<{ token: string; user: { id: number } }>('POST', '/auth/register', { body: { ...credentials, name: 'Sam Shopper' } });
  expect([200, 201]).toContain(status);
  return { ...credentials, token: body.token, id: body.user.id };
}

export async function placeOrder(token: string, productId: number, quantity = 1) {
  const { status, body } = await rest<{ id: number; status: string }>('POST', '/orders', {
    token,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      items: [{ productId, quantity }],
      shippingAddress: { name: 'Sam Shopper', line1: '1 Test Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    },
  });
  expect([200, 201]).toContain(status);
  return body;
}

/** An in-stock product of the public catalog with a single variant (a line needs no variantId). */
export async function someProduct() {
  const { body } = await rest<{ items: { id: number; name: string; stock: number; variants: unknown[] }[] }>('GET', '/products?inStock=true&limit=20&sort=name');
  return body.items.find((p) => p.variants.length === 1)!;
}

/** axe on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

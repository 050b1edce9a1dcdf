import { randomUUID } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { registerCustomer, rest, signInAsAdmin, someProduct } from './helpers';

test('a pending review is approved in the moderation queue and becomes public over REST, its text shown as text', async ({ page }) => {
  const shopper = await registerCustomer();
  const product = await someProduct();
  const marker = `Fits well ${randomUUID().slice(0, 8)}`;
  const body = `${marker} <b>not bold</b>`;
  const written = await rest<{ id: number; status: string }>('POST', `/products/${product.id}/reviews`, { token: shopper.token, body: { rating: 4, body } });
  expect(written.status).toBe(200);
  expect(written.body.status).toBe('pending');

  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Reviews' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reviews' })).toBeVisible();
  const row = page.getByRole('listitem').filter({ hasText: marker });
  // The markup is shown as the characters the author typed, never interpreted.
  await expect(row.getByText(body)).toBeVisible();
  await expect(row.locator('b')).toHaveCount(0);
  await expect(row.getByText('Not a verified purchase')).toBeVisible();
  await row.getByRole('button', { name: `Approve review #${written.body.id}`, exact: false }).click();
  await expect(page.getByText('Approved 1 review')).toBeVisible();
  // It leaves the pending queue.
  await expect(page.getByRole('listitem').filter({ hasText: marker })).toHaveCount(0);

  const reviews = await rest<{ items: { id: number; body: string }[] }>('GET', `/products/${product.id}/reviews?limit=50`);
  expect(reviews.body.items.find((r) => r.id === written.body.id)?.body).toBe(body);
});

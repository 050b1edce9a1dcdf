import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { rest, signInAsAdmin } from './helpers';
import { admin } from './stack';

/** A tiny valid PNG (one red pixel row of 8×8), so the upload needs no fixture file. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (data: Buffer) => {
    let c = 0xffffffff;
    for (const byte of data) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(typed));
    return Buffer.concat([length, typed, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(8, 0);
  header.writeUInt32BE(8, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: 8 }, () => Buffer.from([0, ...Array.from({ length: 8 }, () => [220, 40, 40]).flat()])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a product in two sizes: stock per variant and an uploaded image, seen in the public REST list', async ({ page }) => {
  const login = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  const name = `Trail Cap ${randomUUID().slice(0, 6)}`;
  const created = await rest<{ id: number; variants: { id: number; title: string }[] }>('POST', '/products', {
    token: login.body.token,
    body: {
      name,
      options: [{ name: 'Size', values: ['S', 'M'] }],
      variants: [
        { optionValues: { Size: 'S' }, priceCents: 1900, stock: 3 },
        { optionValues: { Size: 'M' }, priceCents: 2100, stock: 4 },
      ],
    },
  });
  expect(created.status).toBe(200);

  await signInAsAdmin(page);
  await page.goto(`/products/${created.body.id}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('7');
  await page.getByLabel('Adjust M by').fill('6');
  await page.getByRole('button', { name: 'Apply' }).nth(1).click();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('13');

  await page.getByLabel('Image file').setInputFiles({ name: 'cap.png', mimeType: 'image/png', buffer: png() });
  await page.getByLabel('Alt text (optional)').fill('The cap from the front');
  await page.getByRole('button', { name: 'Upload image' }).click();
  // The real picture, served through /media, not the placeholder shown when an image fails.
  const picture = page.locator('img[alt="The cap from the front"]');
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  const { body } = await rest<{
    items: { stock: number; variants: { title: string; stock: number }[]; images: { alt: string; sizes: { thumb: string } }[] }[];
  }>('GET', `/products?q=${encodeURIComponent(name)}`);
  expect(body.items).toHaveLength(1);
  expect(body.items[0]!.stock).toBe(13);
  expect(body.items[0]!.variants.map((v) => [v.title, v.stock])).toEqual([
    ['S', 3],
    ['M', 10],
  ]);
  expect(body.items[0]!.images).toEqual([expect.objectContaining({ alt: 'The cap from the front', sizes: expect.objectContaining({ thumb: expect.stringMatching(/thumb\.webp$/) }) })]);
});

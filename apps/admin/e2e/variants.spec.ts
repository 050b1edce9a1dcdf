import { randomUUID } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { expectAccessible, rest, signInAsAdmin } from './helpers';
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

const screenshots = fileURLToPath(new URL('./screenshots', import.meta.url));

interface RestProduct {
  id: number;
  stock: number;
  priceCents: number;
  options: { name: string; values: string[] }[];
  variants: { title: string; sku: string | null; priceCents: number; stock: number; isActive: boolean }[];
  images: { alt: string; sizes: { thumb: string } }[];
}

async function publicProduct(name: string): Promise<RestProduct> {
  const { body } = await rest<{ items: RestProduct[] }>('GET', `/products?q=${encodeURIComponent(name)}`);
  expect(body.items).toHaveLength(1);
  return body.items[0]!;
}

test('sign in, create a product in two sizes in the form, add an image, and see it in the public REST list', async ({ page }) => {
  const name = `Trail Cap ${randomUUID().slice(0, 6)}`;
  const sku = (size: string) => `CAP-${name.slice(-6).toUpperCase()}-${size}`;
  await signInAsAdmin(page);
  await page.goto('/products/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Price (USD)').fill('19');
  await page.getByRole('button', { name: 'Add options like size or color' }).click();
  await expect(page.getByLabel('Option name')).toHaveValue('Size');
  await page.getByLabel('Values', { exact: true }).fill('S, M');
  // Price typed before the options were added is every new variant's starting price.
  await expect(page.getByLabel('Price (USD) of S', { exact: true })).toHaveValue('19');
  await page.getByLabel('Price (USD) of M', { exact: true }).fill('21.00');
  await page.getByLabel('Stock of S', { exact: true }).fill('3');
  await page.getByLabel('Stock of M', { exact: true }).fill('4');
  await page.getByLabel('SKU of S', { exact: true }).fill(sku('S'));
  await page.getByLabel('SKU of M', { exact: true }).fill(sku('S').toLowerCase());
  await page.getByRole('button', { name: 'Create product' }).click();
  // Two rows with one SKU are refused beside them before anything is sent.
  await expect(page.locator('#variant-1-sku-error')).toHaveText('S has the same SKU.');
  await page.getByLabel('SKU of M', { exact: true }).fill(sku('M'));
  await expectAccessible(page);
  await page.screenshot({ path: `${screenshots}/product-new-variants-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await page.screenshot({ path: `${screenshots}/product-new-variants-390.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByRole('button', { name: 'Create product' }).click();

  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('7');
  await page.getByLabel('Variant to adjust').selectOption({ label: 'M' });
  await page.getByLabel('Adjust M by').fill('6');
  await page.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(page.getByTestId('stock-on-hand')).toHaveText('13');

  await page.getByLabel('Image file').setInputFiles({ name: 'cap.png', mimeType: 'image/png', buffer: png() });
  await page.getByLabel('Alt text (optional)').fill('The cap from the front');
  await page.getByRole('button', { name: 'Upload image' }).click();
  // The real picture, served through /media, not the placeholder shown when an image fails.
  const picture = page.locator('img[alt="The cap from the front"]');
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  const listed = await publicProduct(name);
  expect(listed).toMatchObject({ stock: 13, priceCents: 1900, options: [{ name: 'Size', values: ['S', 'M'] }] });
  expect(listed.variants.map((v) => [v.title, v.sku, v.priceCents, v.stock])).toEqual([
    ['S', sku('S'), 1900, 3],
    ['M', sku('M'), 2100, 10],
  ]);
  expect(listed.images).toEqual([expect.objectContaining({ alt: 'The cap from the front', sizes: expect.objectContaining({ thumb: expect.stringMatching(/thumb\.webp$/) }) })]);
});

test("edit a variant's price and add a size to a product already sold; a taken SKU is refused beside its row", async ({ page }) => {
  const login = await rest<{ token: string }>('POST', '/auth/login', { body: admin });
  const name = `Wool Socks ${randomUUID().slice(0, 6)}`;
  const created = await rest<{ id: number }>('POST', '/products', {
    token: login.body.token,
    body: {
      name,
      options: [{ name: 'Size', values: ['S', 'M'] }],
      variants: [
        { optionValues: { Size: 'S' }, priceCents: 1200, stock: 5 },
        { optionValues: { Size: 'M' }, priceCents: 1200, stock: 6 },
      ],
    },
  });
  expect(created.status).toBe(200);

  await signInAsAdmin(page);
  await page.goto(`/products/${created.body.id}`);
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await page.getByLabel('Price (USD) of M', { exact: true }).fill('13.50');
  await page.getByLabel('Values', { exact: true }).fill('L');
  await page.getByLabel('Values', { exact: true }).press('Enter');
  const large = page.getByTestId('variant-row').filter({ hasText: 'New' });
  await expect(large).toBeVisible();
  await page.getByLabel('Price (USD) of L', { exact: true }).fill('14');
  await page.getByLabel('Stock of L', { exact: true }).fill('2');
  // SKU-00001 belongs to a seeded product: the server's 409 comes back as a sentence beside L.
  await page.getByLabel('SKU of L', { exact: true }).fill('SKU-00001');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('#variant-2-sku-error')).toHaveText('Another variant already uses the SKU “SKU-00001”.');
  // The rest was saved: M's new price, and L is still there to fix.
  await expect.poll(async () => (await publicProduct(name)).variants.map((v) => [v.title, v.priceCents])).toEqual([
    ['S', 1200],
    ['M', 1350],
  ]);

  await page.getByLabel('SKU of L', { exact: true }).fill(`SOCK-${name.slice(-6).toUpperCase()}-L`);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Saved', { exact: true })).toBeVisible();
  await expect(page.getByTestId('variant-row').filter({ hasText: 'New' })).toHaveCount(0);
  const listed = await publicProduct(name);
  expect(listed.options).toEqual([{ name: 'Size', values: ['S', 'M', 'L'] }]);
  expect(listed.variants.map((v) => [v.title, v.priceCents, v.stock, v.sku])).toEqual([
    ['S', 1200, 5, null],
    ['M', 1350, 6, null],
    ['L', 1400, 2, `SOCK-${name.slice(-6).toUpperCase()}-L`],
  ]);

  // Taking a size away archives its variant first, then the option loses the value.
  await page.getByRole('button', { name: 'Remove Size S', exact: true }).click();
  await expect(page.getByText('Saving archives the variant of the removed value: S.')).toBeVisible();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(async () => (await publicProduct(name)).options).toEqual([{ name: 'Size', values: ['M', 'L'] }]);
  expect((await publicProduct(name)).variants.map((v) => v.title)).toEqual(['M', 'L']);
  await expect(page.getByRole('list', { name: 'Values of Size' }).getByRole('listitem')).toHaveText([/^M/, /^L/]);
});

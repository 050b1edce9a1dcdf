import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { productImages, productVariants } from '@commerce/db';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../audit';
import { CATALOG_VERSION_KEY } from '../catalog/version';
import { createProduct } from '../catalog/products';
import { createProductInput } from '../catalog/schemas';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createTestDeps, insertTestProduct, type TestDeps } from '../testing';
import { attachGeneratedImage, attachSeedImages } from './generated';
import { LocalMediaStorage } from './local';
import { imagesDecoding, prepareImage } from './process';
import { deleteProductImage, uploadProductImage } from './product-images';
import type { MediaStorage } from './storage';
import { EXIF_MARKER, photoWithExif, pixelBombPng } from './test-images';

let t: TestDeps;
let deps: Deps;

beforeAll(async () => {
  t = await createTestDeps({ settings: { mediaMaxBytes: 2 * 1024 * 1024, mediaMaxPixels: 20_000_000 } });
  deps = t.deps;
});
afterAll(() => t?.close());

let sequence = 0;
async function newProduct(): Promise<number> {
  const product = await createProduct(deps, systemActor, createProductInput.parse({ name: `Media test ${++sequence}`, priceCents: 1000, stock: 5 }));
  return product.id;
}

/** The product's default variant (every product has one). */
async function variantOf(productId: number): Promise<number> {
  const [variant] = await deps.db.select().from(productVariants).where(eq(productVariants.productId, productId));
  return variant!.id;
}

/** Every file under the media folder, as paths relative to it. */
async function mediaFiles(dir = t.mediaDir): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

const fileOf = (url: string) => path.join(t.mediaDir, url.replace(/^\/media\//, ''));

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('uploadProductImage', () => {
  it.each(['jpeg', 'png', 'webp', 'avif'] as const)(
    'keeps an upright %s original without metadata and makes WebP renditions of 200, 600 and 1200 px',
    async (format) => {
      const productId = await newProduct();
      const image = await uploadProductImage(deps, { actor: systemActor, productId, file: await photoWithExif({ width: 1500, height: 900, format }), alt: 'Front' });
      // Stored sideways with Orientation 6: upright it is 900 wide and 1500 high.
      expect(image).toMatchObject({ alt: 'Front', width: 900, height: 1500, variantId: null });
      expect(image.url).toMatch(new RegExp(`^/media/products/${productId}/[0-9a-f]{24}/original\\.${format === 'jpeg' ? 'jpg' : format}$`));
      const expected = { thumb: [120, 200], medium: [360, 600], large: [720, 1200] } as const;
      for (const [size, [width, height]] of Object.entries(expected)) {
        const url = image.sizes[size as keyof typeof expected];
        expect(url).toBe(image.url.replace(/original\.\w+$/, `${size}.webp`));
        const meta = await sharp(await readFile(fileOf(url))).metadata();
        expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', width, height });
      }
      for (const url of [image.url, ...Object.values(image.sizes)]) {
        const bytes = await readFile(fileOf(url));
        const meta = await sharp(bytes).metadata();
        expect(meta.exif, url).toBeUndefined();
        expect(meta.xmp, url).toBeUndefined();
        expect(bytes.includes(EXIF_MARKER), url).toBe(false);
      }
    },
  );

  it('never enlarges a small image', async () => {
    const productId = await newProduct();
    const small = await sharp({ create: { width: 300, height: 150, channels: 3, background: '#123456' } }).png().toBuffer();
    const image = await uploadProductImage(deps, { actor: systemActor, productId, file: small });
    const large = await sharp(await readFile(fileOf(image.sizes.large))).metadata();
    expect([large.width, large.height]).toEqual([300, 150]);
  });

  it('appends each image after the product’s last one and bumps the catalog version', async () => {
    const productId = await newProduct();
    const file = await photoWithExif({ width: 400, height: 300 });
    const before = await deps.cache.get(CATALOG_VERSION_KEY);
    const first = await uploadProductImage(deps, { actor: systemActor, productId, file });
    const second = await uploadProductImage(deps, { actor: systemActor, productId, file });
    const rows = await deps.db.select().from(productImages).where(eq(productImages.productId, productId));
    expect(rows.map((r) => [r.id, r.position]).sort((a, b) => a[1]! - b[1]!)).toEqual([
      [first.id, 0],
      [second.id, 1],
    ]);
    expect(await deps.cache.get(CATALOG_VERSION_KEY)).not.toBe(before);
  });

  it('gives concurrent uploads to one product the distinct positions 0 to n-1', async () => {
    const productId = await newProduct();
    const file = await photoWithExif({ width: 120, height: 80 });
    const images = await Promise.all(Array.from({ length: 8 }, () => uploadProductImage(deps, { actor: systemActor, productId, file })));
    const rows = await deps.db.select().from(productImages).where(eq(productImages.productId, productId));
    expect(rows.map((r) => r.position).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(images.map((i) => i.url)).size).toBe(8);
  });

  it('recognises the type from the bytes: text named like a JPEG is refused', async () => {
    const productId = await newProduct();
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId, file: Buffer.from('just some text, not a photo\n') }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'file' } });
    expect(error.message).toMatch(/not an image/);
  });

  it('refuses other image types (GIF) by name', async () => {
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).gif().toBuffer();
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId: await newProduct(), file: gif }));
    expect(error.message).toMatch(/JPEG, PNG, WebP or AVIF; this file is GIF/);
  });

  it('refuses a decompression bomb before decoding it', async () => {
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId: await newProduct(), file: pixelBombPng() }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'file' } });
    expect(error.message).toMatch(/30000 × 30000 pixels; at most 20000000/);
  });

  it('refuses a truncated image', async () => {
    const jpeg = await photoWithExif({ width: 800, height: 600 });
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId: await newProduct(), file: jpeg.subarray(0, jpeg.length / 2) }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses a file over the size limit', async () => {
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId: await newProduct(), file: Buffer.alloc(2 * 1024 * 1024 + 1) }));
    expect(error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('ties an image to a variant of the product, and refuses another product’s variant leaving nothing behind', async () => {
    const productId = await newProduct();
    const own = await variantOf(productId);
    const foreign = await variantOf(await newProduct());
    const file = await photoWithExif({ width: 400, height: 300 });
    expect(await uploadProductImage(deps, { actor: systemActor, productId, file, variantId: own })).toMatchObject({ variantId: own });
    const files = await mediaFiles();
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId, file, variantId: foreign }));
    expect(error).toMatchObject({ code: 'VARIANT_MISMATCH', details: { field: 'variantId' } });
    expect(await mediaFiles()).toEqual(files);
    expect(await deps.db.select().from(productImages).where(eq(productImages.productId, productId))).toHaveLength(1);
  });

  it('answers 404 for an unknown product and leaves no file', async () => {
    const files = await mediaFiles();
    const error = await rejection(uploadProductImage(deps, { actor: systemActor, productId: 2_000_000_000, file: await photoWithExif({ width: 100, height: 100 }) }));
    expect(error.code).toBe('NOT_FOUND');
    expect(await mediaFiles()).toEqual(files);
  });

  it('leaves no file and no row when storage fails halfway through the files', async () => {
    const local = new LocalMediaStorage(path.join(t.mediaDir, 'flaky'));
    let writes = 0;
    const flaky: MediaStorage = {
      write: async (key, body) => {
        if (++writes === 3) throw new Error('disk full');
        await local.write(key, body);
      },
      removeDir: (prefix) => local.removeDir(prefix),
    };
    const productId = await newProduct();
    const failing = uploadProductImage({ ...deps, media: flaky }, { actor: systemActor, productId, file: await photoWithExif({ width: 400, height: 300 }) });
    await expect(failing).rejects.toThrow('disk full');
    expect(writes).toBe(3);
    expect(await mediaFiles(path.join(t.mediaDir, 'flaky'))).toEqual([]);
    expect(await deps.db.select().from(productImages).where(eq(productImages.productId, productId))).toEqual([]);
  });
});

describe('prepareImage', () => {
  it('decodes at most two images at a time in a process; the others wait their turn', async () => {
    const file = await photoWithExif({ width: 1200, height: 800 });
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, imagesDecoding())), 1);
    try {
      const prepared = await Promise.all(Array.from({ length: 6 }, () => prepareImage(file, { maxBytes: 1e8, maxPixels: 1e8 })));
      expect(prepared.map((p) => p.files.length)).toEqual([4, 4, 4, 4, 4, 4]);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBe(2);
    expect(imagesDecoding()).toBe(0);
  });
});

describe('deleteProductImage', () => {
  it('deletes the row and, after commit, every file of the image', async () => {
    const productId = await newProduct();
    const image = await uploadProductImage(deps, { actor: systemActor, productId, file: await photoWithExif({ width: 400, height: 300 }) });
    const directory = path.dirname(fileOf(image.url));
    expect((await readdir(directory)).sort()).toEqual(['large.webp', 'medium.webp', 'original.jpg', 'thumb.webp']);
    await deleteProductImage(deps, systemActor, { productId, imageId: image.id });
    await expect(stat(directory)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await deps.db.select().from(productImages).where(eq(productImages.id, image.id))).toEqual([]);
  });

  it('answers 404 for an unknown image and for another product’s image, which stays', async () => {
    const productId = await newProduct();
    const other = await newProduct();
    const image = await uploadProductImage(deps, { actor: systemActor, productId, file: await photoWithExif({ width: 400, height: 300 }) });
    expect((await rejection(deleteProductImage(deps, systemActor, { productId: other, imageId: image.id }))).code).toBe('NOT_FOUND');
    expect((await rejection(deleteProductImage(deps, systemActor, { productId, imageId: 2_000_000_000 }))).code).toBe('NOT_FOUND');
    expect(await stat(fileOf(image.url))).toBeTruthy();
  });
});

describe('LocalMediaStorage', () => {
  it('refuses keys that could leave its folder', async () => {
    const storage = new LocalMediaStorage(path.join(t.mediaDir, 'safe'));
    for (const key of ['../escape.txt', 'a/../../b', '/etc/passwd', 'a//b', '.hidden', 'a/./b', 'a\\b']) {
      await expect(storage.write(key, Buffer.from('x')), key).rejects.toThrow(/Unsafe media key/);
      await expect(storage.removeDir(key), key).rejects.toThrow(/Unsafe media key/);
    }
  });
});

describe('generated seed images', () => {
  it('stores a rendered picture exactly like an upload', async () => {
    const productId = await newProduct();
    const image = await attachGeneratedImage(deps, { productId, color: '#1f4e8c', label: 'Tee — Navy / M' });
    expect(image).toMatchObject({ alt: 'Tee — Navy / M', width: 1200, height: 1200 });
    const thumb = await sharp(await readFile(fileOf(image.sizes.thumb))).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['webp', 200, 200]);
  });

  it('gives every product without an uploaded image one, and one per colour to each colour’s first variant, once', async () => {
    const productId = await newProduct();
    const shirt = await insertTestProduct(deps.db, { name: 'Tee', variants: [{ size: 'S' }, { size: 'M' }, { size: 'L' }] });
    const [small, medium, large] = shirt.variantIds;
    const colors = { [small!]: ['S', 'Navy'], [medium!]: ['M', 'White'], [large!]: ['L', 'Navy'] };
    for (const [id, [size, color]] of Object.entries(colors)) {
      await deps.db.update(productVariants).set({ optionValues: { Size: size!, Color: color! } }).where(eq(productVariants.id, Number(id)));
    }
    expect(await attachSeedImages(deps)).toBeGreaterThan(2);
    expect(await deps.db.select().from(productImages).where(eq(productImages.productId, productId))).toHaveLength(1);
    const shirtImages = await deps.db.select().from(productImages).where(eq(productImages.productId, shirt.id));
    expect(shirtImages.map((i) => [i.variantId, i.alt]).sort()).toEqual([
      [medium, 'Tee — White'],
      [small, 'Tee — Navy'],
    ].sort());
    expect(await attachSeedImages(deps)).toBe(0);
  });
});

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIF_MARKER, photoWithExif, pixelBombPng } from '@commerce/core/testing';
import { productImages, productVariants } from '@commerce/db';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { cookieHeader } from './auth-helpers';
import { makeProduct, startCatalogServer, type CatalogFixture } from './catalog-helpers';

const MAX_BYTES = 256 * 1024;
const ALLOWED_ORIGIN = 'http://localhost:3001';

let f: CatalogFixture;
let base: string;
let root: string;
let mediaDir: string;

beforeAll(async () => {
  // The media folder has a secret beside it, which no URL may reach.
  root = await mkdtemp(path.join(tmpdir(), 'commerce-media-test-'));
  mediaDir = path.join(root, 'media');
  await mkdir(mediaDir);
  await writeFile(path.join(root, 'secret.txt'), 'TOP-SECRET');
  f = await startCatalogServer({ MEDIA_DIR: mediaDir, MEDIA_MAX_BYTES: String(MAX_BYTES), MEDIA_MAX_PIXELS: '20000000' });
  // A real socket: the 413 test needs a client that is still sending when the answer comes.
  base = await f.server.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await f?.server.close();
  await rm(root, { recursive: true, force: true });
});

interface UploadOptions {
  token?: string;
  headers?: Record<string, string>;
  /** The file's name and declared type, which the server must not believe. */
  filename?: string;
  type?: string;
  fields?: Record<string, string>;
}

async function upload(productId: number | string, file: Buffer | undefined, options: UploadOptions = {}) {
  const { token = f.staff, headers = {}, filename = 'photo.jpg', type = 'image/jpeg', fields = {} } = options;
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([file], { type }), filename);
  const response = await fetch(`${base}/api/products/${productId}/images`, {
    method: 'POST',
    headers: { ...(token && { authorization: `Bearer ${token}` }), ...headers },
    body: form,
  });
  // Tests assert on the shapes; `any` keeps them short (as in helpers.ts).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (await response.json()) as any };
}

const get = (url: string) => fetch(`${base}${url}`);

/** Every file under the media folder, relative to it. */
async function mediaFiles(): Promise<string[]> {
  const entries = await readdir(mediaDir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(mediaDir, path.join(e.parentPath, e.name))).sort();
}

const imageRows = (productId: number) =>
  f.server.runtime.deps.db.select().from(productImages).where(eq(productImages.productId, productId));

describe('POST /api/products/{id}/images', () => {
  it.each([
    ['jpeg', 'image/jpeg', 'original.jpg'],
    ['png', 'image/png', 'original.png'],
    ['webp', 'image/webp', 'original.webp'],
  ] as const)('stores a %s photo, served under /media with immutable caching and no EXIF anywhere', async (format, mime, original) => {
    const product = await makeProduct(f);
    const photo = await photoWithExif({ width: 1500, height: 1000, format });
    const res = await upload(product.id, photo, { fields: { alt: '  Front view ' }, filename: `IMG_0001.${format}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['alt', 'height', 'id', 'sizes', 'url', 'variantId', 'width']);
    // Turned upright (the photo says Orientation 6).
    expect(res.body).toMatchObject({ alt: 'Front view', width: 1000, height: 1500, variantId: null });
    expect(res.body.url).toMatch(new RegExp(`^/media/products/${product.id}/[0-9a-f]{24}/${original}$`));

    const expected: Record<string, [string, number, number]> = {
      [res.body.url]: [mime, 1000, 1500],
      [res.body.sizes.thumb]: ['image/webp', 133, 200],
      [res.body.sizes.medium]: ['image/webp', 400, 600],
      [res.body.sizes.large]: ['image/webp', 800, 1200],
    };
    for (const [url, [type, width, height]] of Object.entries(expected)) {
      const served = await get(url);
      expect(served.status, url).toBe(200);
      expect(served.headers.get('content-type')).toBe(type);
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(served.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height], url).toEqual([width, height]);
      expect(meta.exif, url).toBeUndefined();
      expect(bytes.includes(EXIF_MARKER), url).toBe(false);
    }
    expect(await imageRows(product.id)).toHaveLength(1);
  });

  it('refuses a text file named .jpg and declared image/jpeg', async () => {
    const product = await makeProduct(f);
    const res = await upload(product.id, Buffer.from('name,price\nmug,12\n'), { filename: 'photo.jpg', type: 'image/jpeg' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not an image/) });
    expect(await imageRows(product.id)).toEqual([]);
  });

  it('answers 413 for a file over MEDIA_MAX_BYTES, readable by the client, whether or not it announced its length', async () => {
    const product = await makeProduct(f);
    const big = Buffer.alloc(MAX_BYTES * 4, 7);
    const announced = await upload(product.id, big);
    expect(announced.status).toBe(413);
    expect(announced.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/larger than 262144 bytes/) });

    // Chunked: no Content-Length, so the limit is met while the file streams in.
    const boundary = 'media-test-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunks = [head, ...Array.from({ length: 16 }, () => Buffer.alloc(64 * 1024, 1)), tail];
    const streamed = await fetch(`${base}/api/products/${product.id}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.staff}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(await imageRows(product.id)).toEqual([]);
  });

  it('answers 400 for a decompression bomb and stays healthy', async () => {
    const product = await makeProduct(f);
    const bomb = pixelBombPng();
    expect(bomb.length).toBeLessThan(MAX_BYTES);
    const res = await upload(product.id, bomb, { filename: 'tiny.png', type: 'image/png' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/30000 × 30000 pixels/);
    expect((await get('/health')).status).toBe(200);
    expect((await upload(product.id, await photoWithExif({ width: 300, height: 200 }))).status).toBe(200);
  });

  it('answers 400 for other image types, a missing file, a bad id and a body that is not a form', async () => {
    const product = await makeProduct(f);
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).gif().toBuffer();
    expect((await upload(product.id, gif, { filename: 'a.png', type: 'image/png' })).body.message).toMatch(/this file is GIF/);

    const missing = await upload(product.id, undefined, { fields: { alt: 'no file' } });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string[] }) => i.path)).toEqual([['file']]);

    const photo = await photoWithExif({ width: 100, height: 100 });
    const badId = await upload('abc', photo);
    expect(badId.status).toBe(400);
    expect(badId.body.issues[0].path).toEqual(['id']);

    const json = await fetch(`${base}/api/products/${product.id}/images`, {
      method: 'POST',
      headers: { authorization: `Bearer ${f.staff}`, 'content-type': 'application/json' },
      body: JSON.stringify({ file: 'aGVsbG8=' }),
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toMatch(/multipart\/form-data/);
  });

  it('answers 404 for an unknown product', async () => {
    const res = await upload(2_000_000_000, await photoWithExif({ width: 100, height: 100 }));
    expect(res.status).toBe(404);
  });

  it('refuses a variantId of another product with 400 variant_mismatch, leaving no file and no row', async () => {
    const product = await makeProduct(f);
    const other = await makeProduct(f);
    const [variant] = await variantsOf(other.id);
    const before = await mediaFiles();
    const res = await upload(product.id, await photoWithExif({ width: 300, height: 200 }), { fields: { variantId: String(variant) } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ reason: 'variant_mismatch', data: { field: 'variantId' } });
    expect(await mediaFiles()).toEqual(before);
    expect(await imageRows(product.id)).toEqual([]);
  });

  it('is for staff: anonymous 401, customer 403, a cookie without an allowed Origin 403', async () => {
    const product = await makeProduct(f);
    const photo = await photoWithExif({ width: 100, height: 100 });
    expect((await upload(product.id, photo, { token: '' })).status).toBe(401);
    expect((await upload(product.id, photo, { token: 'not-a-session' })).status).toBe(401);
    const customer = await upload(product.id, photo, { token: f.customer });
    expect(customer).toMatchObject({ status: 403, body: { code: 'FORBIDDEN', message: 'Staff or admin role required' } });

    const viaCookie = { token: '', headers: cookieHeader(f.staff) };
    const noOrigin = await upload(product.id, photo, viaCookie);
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.body.message).toMatch(/Cross-site request refused/);
    const foreign = await upload(product.id, photo, { ...viaCookie, headers: { ...viaCookie.headers, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    const allowed = await upload(product.id, photo, { ...viaCookie, headers: { ...viaCookie.headers, origin: ALLOWED_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(await imageRows(product.id)).toHaveLength(1);
  });
});

describe('DELETE /api/products/{id}/images/{imageId}', () => {
  it('deletes the image and its files; again, or through another product, is a 404', async () => {
    const product = await makeProduct(f);
    const other = await makeProduct(f);
    const image = (await upload(product.id, await photoWithExif({ width: 300, height: 200 }))).body;
    const urls = [image.url, ...Object.values(image.sizes as Record<string, string>)];
    for (const url of urls) expect((await get(url)).status).toBe(200);

    expect((await f.server.request('DELETE', `/api/products/${other.id}/images/${image.id}`, { token: f.staff })).status).toBe(404);
    expect((await f.server.request('DELETE', `/api/products/${product.id}/images/${image.id}`, { token: f.customer })).status).toBe(403);
    const deleted = await f.server.request('DELETE', `/api/products/${product.id}/images/${image.id}`, { token: f.staff });
    expect(deleted).toMatchObject({ status: 200, body: { success: true } });
    for (const url of urls) expect((await get(url)).status).toBe(404);
    expect(await mediaFiles()).not.toContain(image.url.replace('/media/', ''));
    expect((await f.server.request('DELETE', `/api/products/${product.id}/images/${image.id}`, { token: f.staff })).status).toBe(404);
  });
});

describe('product reads', () => {
  it('list the uploaded image at once, through the anonymous catalog cache, and drop it once deleted', async () => {
    const product = await makeProduct(f);
    const read = async () => (await f.server.request('GET', `/api/products/${product.id}`)).body.images;
    expect(await read()).toEqual([]);
    expect(await read()).toEqual([]); // now cached
    const image = (await upload(product.id, await photoWithExif({ width: 300, height: 200 }), { fields: { alt: 'Side' } })).body;
    expect(await read()).toEqual([image]);
    await f.server.request('DELETE', `/api/products/${product.id}/images/${image.id}`, { token: f.staff });
    expect(await read()).toEqual([]);
  });
});

describe('/media', () => {
  it('lists no directory and never leaves the media folder', async () => {
    const product = await makeProduct(f);
    const image = (await upload(product.id, await photoWithExif({ width: 100, height: 100 }))).body;
    const directory = image.url.slice(0, image.url.lastIndexOf('/'));
    const urls = ['/media/', '/media/products', directory, `${directory}/`, '/media/.hidden', '/media/../secret.txt'];
    urls.push('/media/%2e%2e/secret.txt', '/media/..%2fsecret.txt', '/media/..%5csecret.txt', '/media/products/%2e%2e/%2e%2e/secret.txt');
    for (const url of urls) {
      // inject sends the path as written (fetch would resolve the dots first).
      const res = await f.server.app.inject({ method: 'GET', url });
      expect([403, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('TOP-SECRET');
    }
  });
});

describe('MEDIA_* configuration', () => {
  it('has defaults and names a bad value', () => {
    expect(loadConfig({})).toMatchObject({ MEDIA_DIR: './.data/media', MEDIA_MAX_BYTES: 10 * 1024 * 1024, MEDIA_MAX_PIXELS: 40_000_000 });
    expect(() => loadConfig({ MEDIA_MAX_BYTES: '10MB' })).toThrow(/MEDIA_MAX_BYTES: must be a whole number/);
    expect(() => loadConfig({ MEDIA_MAX_PIXELS: '0' })).toThrow(/MEDIA_MAX_PIXELS/);
  });
});

describe('/openapi.json', () => {
  it('documents the upload as multipart and the delete', async () => {
    const doc = (await f.server.request('GET', '/openapi.json')).body;
    const uploadOp = doc.paths['/products/{id}/images'].post;
    expect(Object.keys(uploadOp.requestBody.content)).toEqual(['multipart/form-data']);
    expect(uploadOp.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
    expect(Object.keys(uploadOp.responses).sort()).toEqual(['200', '400', '401', '403', '404', '413', '429', '500']);
    expect(uploadOp.responses['200'].content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['id', 'url', 'alt', 'width', 'height', 'sizes']),
    );
    const deleteOp = doc.paths['/products/{id}/images/{imageId}'].delete;
    expect(Object.keys(deleteOp.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '500']);
  });
});

/** The product's variants (every product has a default one). */
async function variantsOf(productId: number): Promise<number[]> {
  const rows = await f.server.runtime.deps.db
    .select({ id: productVariants.id })
    .from(productVariants)
    .where(eq(productVariants.productId, productId));
  return rows.map((r) => r.id);
}

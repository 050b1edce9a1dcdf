import type { Metadata, Sharp } from 'sharp';
import { AppError } from '../errors';
import { imageSizes } from '../catalog/images';

let sharpLoaded: Promise<(typeof import('sharp'))['default']> | undefined;

/**
 * sharp, loaded with the first image: libvips adds about 30 MB of resident memory to a process
 * that may never see one.
 */
export function loadSharp(): Promise<(typeof import('sharp'))['default']> {
  return (sharpLoaded ??= import('sharp').then(({ default: sharp }) => {
    // Decoded pixels are not cached between images: the memory is better left to the next upload.
    sharp.cache(false);
    return sharp;
  }));
}

/** Long side, in pixels, of each WebP rendition; smaller images are never enlarged. */
export const renditionPixels = { thumb: 200, medium: 600, large: 1200 } as const satisfies Record<
  (typeof imageSizes)[number],
  number
>;

/** What an upload may be, by what its bytes say (sharp reads the header): the extension kept for its original. */
const accepted = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif' } as const;
type AcceptedFormat = keyof typeof accepted;

export interface PreparedFile {
  /** The file's name in the image's directory: `original.jpg`, `thumb.webp`, ... */
  name: string;
  body: Buffer;
}

/** An upload turned into what the store keeps: a clean original and its renditions. */
export interface PreparedImage {
  files: PreparedFile[];
  /** The name of the original among `files`. */
  original: string;
  /** Of the original, upright. */
  width: number;
  height: number;
}

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

const invalid = (message: string) => new AppError('BAD_REQUEST', message, { field: 'file' });

/**
 * Recognises the image from its bytes (never its name or declared type), refuses one over the
 * limits before decoding it, then re-encodes the original upright without metadata (EXIF with
 * its GPS position, XMP, IPTC: sharp writes none unless asked) and makes the WebP renditions.
 */
export async function prepareImage(bytes: Buffer, limits: ImageLimits): Promise<PreparedImage> {
  return oneOfFew(() => prepare(bytes, limits));
}

/**
 * How many images this process decodes at once. An upright image is held in memory whole
 * (MEDIA_MAX_PIXELS × 4 bytes at worst), so uploads beyond this wait their turn rather than
 * add up to more memory than the machine has; each decode already uses every core.
 */
const MAX_DECODING = 2;
let decoding = 0;
const queue: (() => void)[] = [];

/** Images being decoded by this process now (at most MAX_DECODING). */
export const imagesDecoding = () => decoding;

async function oneOfFew<T>(work: () => Promise<T>): Promise<T> {
  if (decoding >= MAX_DECODING) await new Promise<void>((resolve) => queue.push(resolve));
  else decoding++;
  try {
    return await work();
  } finally {
    // Hand the slot straight to the next in line, or free it.
    const next = queue.shift();
    if (next) next();
    else decoding--;
  }
}

async function prepare(bytes: Buffer, limits: ImageLimits): Promise<PreparedImage> {
  if (bytes.length > limits.maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The image is larger than ${limits.maxBytes} bytes`, { field: 'file' });
  }
  const format = await recognise(bytes, limits.maxPixels);
  const sharp = await loadSharp();
  const upright = () => sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
  try {
    const original = await encodeOriginal(upright(), format).toBuffer({ resolveWithObject: true });
    const name = `original.${accepted[format]}`;
    const files: PreparedFile[] = [{ name, body: original.data }];
    // One decode at a time (libvips already uses every core for each): a large image turned
    // upright is held in memory whole, and four at once would multiply that.
    for (const size of imageSizes) {
      const body = await upright()
        .resize(renditionPixels[size], renditionPixels[size], { fit: 'inside', withoutEnlargement: true })
        // Effort 2 of 6 encodes in well under half the time of the default for a few percent more bytes.
        .webp({ quality: 82, effort: 2 })
        .toBuffer();
      files.push({ name: `${size}.webp`, body });
    }
    return {
      files,
      original: name,
      width: original.info.width,
      height: original.info.height,
    };
  } catch {
    throw invalid('The image could not be decoded: it is damaged or truncated');
  }
}

async function recognise(bytes: Buffer, maxPixels: number): Promise<AcceptedFormat> {
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    // Reads the header only: no pixel is decoded yet.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw invalid('The file is not an image: upload a JPEG, PNG, WebP or AVIF file');
  }
  const format = metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
  if (!(format in accepted)) {
    throw invalid(`Images must be JPEG, PNG, WebP or AVIF; this file is ${format.toUpperCase()}`);
  }
  const { width = 0, height = 0 } = metadata;
  if (width < 1 || height < 1) throw invalid('The image has no size');
  if (width * height > maxPixels) {
    throw invalid(`The image is ${width} × ${height} pixels; at most ${maxPixels} pixels are accepted`);
  }
  return format as AcceptedFormat;
}

function encodeOriginal(image: Sharp, format: AcceptedFormat): Sharp {
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 90 });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: 90, effort: 2 });
    case 'avif':
      // aom's default effort takes seconds per megapixel; 2 keeps an upload's wait short.
      return image.avif({ quality: 60, effort: 2 });
  }
}

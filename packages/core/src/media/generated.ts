import { categories, productImages, products, productVariants } from '@commerce/db';
import { and, asc, eq, isNotNull, notExists, notLike } from 'drizzle-orm';
import type { ProductImageDto } from '../catalog/images';
import { systemActor } from '../audit';
import type { Deps } from '../deps';
import { loadSharp, prepareImage } from './process';
import { storeImage } from './product-images';

export const pictureShapes = ['tshirt', 'mug', 'box'] as const;
export type PictureShape = (typeof pictureShapes)[number];

export interface GeneratedImageOptions {
  productId: number;
  variantId?: number | undefined;
  /** A CSS colour for the item: `#1f6feb`, `navy`. */
  color: string;
  /** Printed under the item, e.g. the product and variant name. */
  label: string;
  /** 'tshirt' unless given. */
  shape?: PictureShape;
}

const SIZE = 1200;

const shapes: Record<PictureShape, string> = {
  tshirt:
    'M430 250 L330 290 L190 420 L275 530 L345 470 L345 900 Q345 930 375 930 L825 930 Q855 930 855 900 L855 470 L925 530 L1010 420 L870 290 L770 250 Q740 330 600 330 Q460 330 430 250 Z',
  mug: 'M330 330 L790 330 L790 850 Q790 930 710 930 L410 930 Q330 930 330 850 Z M790 440 Q960 440 960 600 Q960 760 790 760 L790 690 Q890 690 890 600 Q890 510 790 510 Z',
  box: 'M600 250 L920 400 L920 780 L600 930 L280 780 L280 400 Z',
};

// Light from the upper left: a highlight and a shadow over the item's own colour.
const shading: Record<PictureShape, string> = {
  tshirt: '<path d="M600 330 Q740 330 770 250 L800 262 Q760 360 600 362 Q440 360 400 262 L430 250 Q460 330 600 330 Z" fill="#000" opacity=".12"/>',
  mug: '<ellipse cx="560" cy="352" rx="226" ry="20" fill="#000" opacity=".16"/>',
  box: '<path d="M600 560 L920 400 L920 780 L600 930 Z" fill="#000" opacity=".18"/><path d="M600 250 L920 400 L600 560 L280 400 Z" fill="#fff" opacity=".22"/>',
};

const escapeXml = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Only colours an SVG attribute can hold safely: names, #hex, rgb()/hsl() of plain numbers. */
const SAFE_COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,30}|(rgb|hsl)a?\([\d\s.,%]{1,40}\))$/i;

/** A clean studio-style picture of the item in its colour, with the label below, as SVG. */
export function productPictureSvg({ color, label, shape = 'tshirt' }: Omit<GeneratedImageOptions, 'productId' | 'variantId'>): string {
  const fill = SAFE_COLOR.test(color) ? color : '#888888';
  const shown = label.length > 40 ? `${label.slice(0, 39)}…` : label;
  // Long labels get a smaller type, so the line always fits the picture's width.
  const fontSize = Math.min(60, Math.floor(1800 / Math.max(shown.length, 1)));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f7f7f5"/><stop offset="1" stop-color="#e7e6e1"/></linearGradient>
    <linearGradient id="sheen" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff" stop-opacity=".25"/><stop offset=".6" stop-color="#fff" stop-opacity="0"/><stop offset="1" stop-color="#000" stop-opacity=".15"/></linearGradient>
  </defs>
  <rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/>
  <ellipse cx="600" cy="965" rx="330" ry="26" fill="#000" opacity=".10"/>
  <path d="${shapes[shape]}" fill="${fill}" fill-rule="evenodd" stroke="#000" stroke-opacity=".18" stroke-width="4" stroke-linejoin="round"/>
  <path d="${shapes[shape]}" fill="url(#sheen)" fill-rule="evenodd"/>
  ${shading[shape]}
  <text x="600" y="1090" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${fontSize}" font-weight="600" fill="#2b2b2b">${escapeXml(shown)}</text>
</svg>`;
}

/**
 * Renders a picture of the item (productPictureSvg) and stores it exactly as an upload is
 * stored, renditions and all: what the seed gives its products so the demo has real images.
 */
export async function attachGeneratedImage(deps: Deps, options: GeneratedImageOptions): Promise<ProductImageDto> {
  // JPEG: the picture has no transparency, and it encodes several times faster than PNG.
  const sharp = await loadSharp();
  const picture = await sharp(Buffer.from(productPictureSvg(options))).jpeg({ quality: 92 }).toBuffer();
  const prepared = await prepareImage(picture, { maxBytes: Number.MAX_SAFE_INTEGER, maxPixels: SIZE * SIZE });
  // The seed's pictures, not a person's change.
  return storeImage(deps, { ...options, actor: systemActor, alt: options.label, prepared });
}

/** A pleasant colour for a name: the same name always gets the same one. */
export function colorFor(name: string): string {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 45%, 48%)`;
}

/** Pictures by category: apparel wears a T-shirt, kitchenware a mug, the rest a parcel. */
function shapeFor(categorySlug: string | null): PictureShape {
  if (categorySlug?.startsWith('apparel')) return 'tshirt';
  if (categorySlug?.startsWith('home')) return 'mug';
  return 'box';
}

/** Colour names a shop uses, as paint; others get colorFor's colour. */
const namedColors: Record<string, string> = {
  black: '#25262a',
  white: '#f3f2ee',
  navy: '#22345c',
  'heather grey': '#9c9ea3',
  grey: '#8d9096',
  forest: '#2f5b3c',
  red: '#b33a3a',
  blue: '#2f62b3',
  green: '#3d7a4a',
};
const paintFor = (color: string) => namedColors[color.toLowerCase()] ?? colorFor(color);

/**
 * Gives every product that has no uploaded image generated pictures: one per colour, shown by
 * the first variant of that colour, when its variants have a `Color` option; else one for the
 * product. Synthetic load-test products (slug `synthetic-…`) are left alone, and at most
 * `limit` products are done per call. Answers how many pictures it made.
 */
export async function attachSeedImages(deps: Deps, limit = 200): Promise<number> {
  const missing = await deps.db
    .select({ id: products.id, name: products.name, categorySlug: categories.slug })
    .from(products)
    .leftJoin(categories, eq(categories.id, products.categoryId))
    .where(
      and(
        notLike(products.slug, 'synthetic-%'),
        notExists(
          deps.db
            .select({ id: productImages.id })
            .from(productImages)
            .where(and(eq(productImages.productId, products.id), isNotNull(productImages.storageKey))),
        ),
      ),
    )
    .orderBy(asc(products.id))
    .limit(limit);
  let made = 0;
  for (const product of missing) {
    const shape = shapeFor(product.categorySlug);
    const variants = await deps.db
      .select({ id: productVariants.id, optionValues: productVariants.optionValues })
      .from(productVariants)
      .where(eq(productVariants.productId, product.id))
      .orderBy(asc(productVariants.position), asc(productVariants.id));
    const byColor = new Map<string, number>();
    for (const variant of variants) {
      const color = variant.optionValues.Color;
      if (color && !byColor.has(color)) byColor.set(color, variant.id);
    }
    if (byColor.size === 0) {
      await attachGeneratedImage(deps, { productId: product.id, color: colorFor(product.name), label: product.name, shape });
      made++;
    }
    for (const [color, variantId] of byColor) {
      const label = `${product.name} — ${color}`;
      await attachGeneratedImage(deps, { productId: product.id, variantId, color: paintFor(color), label, shape });
      made++;
    }
  }
  return made;
}

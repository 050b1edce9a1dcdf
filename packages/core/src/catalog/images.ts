import { productImages, type Transaction } from '@commerce/db';
import { z } from 'zod';
import type { Deps } from '../deps';
import { afterCommit } from '../transaction';

export type ProductImageRow = Pick<
  typeof productImages.$inferSelect,
  'id' | 'variantId' | 'storageKey' | 'url' | 'alt' | 'width' | 'height'
>;

/** The resized WebP renditions made of every upload, stored beside its original. */
export const imageSizes = ['thumb', 'medium', 'large'] as const;

export const productImageOutput = z.object({
  id: z.number().int(),
  /** The original (uploaded ones are re-encoded without metadata), or the outside URL. */
  url: z.string(),
  alt: z.string(),
  /** Pixels of the original; null for an outside image. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** The variant it shows, when it shows one. */
  variantId: z.number().int().nullable(),
  /** Renditions by size; an outside image has only its own URL, under every size. */
  sizes: z.object({ thumb: z.string(), medium: z.string(), large: z.string() }),
});
export type ProductImageDto = z.output<typeof productImageOutput>;

/** `storageKey` is the original's path; its renditions sit in the same directory. */
export const imageDirectory = (storageKey: string) => storageKey.slice(0, storageKey.lastIndexOf('/'));

/**
 * Removes the files of deleted image rows once `tx` commits (never for a rollback, so no row is
 * left naming a missing file); an outside image (no storage key) has none.
 */
export function removeImageFilesAfterCommit(deps: Pick<Deps, 'media'>, tx: Transaction, storageKeys: readonly (string | null)[]): void {
  const directories = storageKeys.flatMap((key) => (key ? [imageDirectory(key)] : []));
  if (directories.length === 0) return;
  afterCommit(tx, { run: async () => void (await Promise.all(directories.map((dir) => deps.media.removeDir(dir)))) });
}

export function toImageDto(row: ProductImageRow, mediaBaseUrl: string): ProductImageDto {
  const base = { id: row.id, alt: row.alt, width: row.width, height: row.height, variantId: row.variantId };
  if (!row.storageKey) {
    const url = row.url ?? '';
    return { ...base, url, sizes: { thumb: url, medium: url, large: url } };
  }
  const directory = `${mediaBaseUrl}/${imageDirectory(row.storageKey)}`;
  return {
    ...base,
    url: `${mediaBaseUrl}/${row.storageKey}`,
    sizes: { thumb: `${directory}/thumb.webp`, medium: `${directory}/medium.webp`, large: `${directory}/large.webp` },
  };
}

import { randomBytes } from 'node:crypto';
import { productImages, products, productVariants, type Transaction } from '@commerce/db';
import { and, eq, sql } from 'drizzle-orm';
import { removeImageFilesAfterCommit, toImageDto, type ProductImageDto } from '../catalog/images';
import { MAX_IMAGES } from '../catalog/schemas';
import { catalogChanged } from '../catalog/version';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { transaction } from '../transaction';
import { prepareImage, type PreparedImage } from './process';

export interface UploadImageOptions {
  actor: Actor;
  productId: number;
  /** The file as uploaded: its type is read from these bytes. */
  file: Buffer;
  alt?: string;
  /** The variant it shows; must be one of the product's. */
  variantId?: number | undefined;
}

/**
 * Stores an uploaded image (see prepareImage) at the end of the product's images. The files
 * are written first, then the row, so no row ever names a missing file; if anything fails
 * the files are removed again, and no row or file is left behind.
 */
export async function uploadProductImage(deps: Deps, options: UploadImageOptions): Promise<ProductImageDto> {
  const prepared = await prepareImage(options.file, {
    maxBytes: deps.settings.mediaMaxBytes,
    maxPixels: deps.settings.mediaMaxPixels,
  });
  return storeImage(deps, { ...options, prepared });
}

interface StoreImageOptions {
  actor: Actor;
  productId: number;
  variantId?: number | undefined;
  alt?: string | undefined;
  prepared: PreparedImage;
}

/** Writes the files, then the row, in that order; undoes the files when the row fails. */
export async function storeImage(deps: Deps, options: StoreImageOptions): Promise<ProductImageDto> {
  const { productId, variantId = null, alt = '', prepared } = options;
  // Unguessable, and new for every upload: a URL's content never changes, so it can be cached forever.
  const directory = `products/${productId}/${randomBytes(12).toString('hex')}`;
  try {
    for (const file of prepared.files) await deps.media.write(`${directory}/${file.name}`, file.body);
    const row = await transaction(deps, async (tx) => {
      const position = await nextPosition(tx, productId);
      if (variantId !== null) await assertVariantOf(tx, productId, variantId);
      const [inserted] = await tx
        .insert(productImages)
        .values({
          productId,
          variantId,
          storageKey: `${directory}/${prepared.original}`,
          alt,
          width: prepared.width,
          height: prepared.height,
          position,
        })
        .returning();
      await recordChange(deps, tx, { actor: options.actor, entity: 'product_image', id: inserted!.id, action: 'create', before: null, after: inserted! });
      catalogChanged(deps, tx);
      return inserted!;
    });
    return toImageDto(row, deps.settings.mediaBaseUrl);
  } catch (error) {
    await deps.media.removeDir(directory);
    throw error;
  }
}

/** Locks the product (concurrent uploads to it queue here) and answers the position after its last image. */
async function nextPosition(tx: Transaction, productId: number): Promise<number> {
  const [product] = await tx
    .select({ id: products.id })
    .from(products)
    .where(eq(products.id, productId))
    .for('no key update');
  if (!product) throw notFound('Product');
  const [images] = await tx
    .select({ count: sql<number>`count(*)::int`, last: sql<number>`coalesce(max(${productImages.position}), -1)::int` })
    .from(productImages)
    .where(eq(productImages.productId, productId));
  if ((images?.count ?? 0) >= MAX_IMAGES) {
    throw new AppError('BAD_REQUEST', `A product has at most ${MAX_IMAGES} images: delete one first`, { field: 'file' });
  }
  return (images?.last ?? -1) + 1;
}

async function assertVariantOf(tx: Transaction, productId: number, variantId: number): Promise<void> {
  const [variant] = await tx
    .select({ productId: productVariants.productId })
    .from(productVariants)
    .where(eq(productVariants.id, variantId));
  if (variant?.productId !== productId) {
    throw new AppError('VARIANT_MISMATCH', `Variant ${variantId} is not a variant of product ${productId}`, {
      field: 'variantId',
      productId,
      variantId,
    });
  }
}

export interface ImageRef {
  productId: number;
  imageId: number;
}

/** Deletes the image's row, and its files once that has committed (an outside image has none). */
export async function deleteProductImage(deps: Deps, actor: Actor, { productId, imageId }: ImageRef): Promise<{ success: true }> {
  return transaction(deps, async (tx) => {
    const [deleted] = await tx
      .delete(productImages)
      .where(and(eq(productImages.id, imageId), eq(productImages.productId, productId)))
      .returning();
    if (!deleted) throw notFound('Image');
    await recordChange(deps, tx, { actor, entity: 'product_image', id: imageId, action: 'delete', before: deleted, after: null });
    catalogChanged(deps, tx);
    removeImageFilesAfterCommit(deps, tx, [deleted.storageKey]);
    return { success: true as const };
  });
}

import { productImages, products, productVariants, qualified, type ProductOption, type Transaction } from '@commerce/db';
import { and, asc, eq, inArray, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, isUniqueViolation, notFound } from '../errors';
import { groupBy } from '../group-by';
import { transaction } from '../transaction';
import { isStaff, type Viewer } from '../viewer';
import { toImageDto, type ProductImageRow } from './images';
import type { CreateVariantInput, UpdateVariantInput, VariantDto } from './schemas';
import { publishStock } from '../live';
import { catalogChanged } from './version';

type Db = Deps['db'] | Transaction;
export type VariantRow = typeof productVariants.$inferSelect;

export const variantColumns = {
  id: productVariants.id,
  productId: productVariants.productId,
  sku: productVariants.sku,
  title: productVariants.title,
  optionValues: productVariants.optionValues,
  priceCents: productVariants.priceCents,
  stock: productVariants.stock,
  isActive: productVariants.isActive,
  archivedAt: productVariants.archivedAt,
  lowStockThreshold: productVariants.lowStockThreshold,
  position: productVariants.position,
  createdAt: productVariants.createdAt,
  updatedAt: productVariants.updatedAt,
};

/** What a variant's DTO is made of: a list page reads just these, as JSON (see `variantsJson`). */
export type ListedVariant = Pick<
  VariantRow,
  'id' | 'productId' | 'sku' | 'title' | 'optionValues' | 'priceCents' | 'stock' | 'isActive' | 'archivedAt' | 'lowStockThreshold'
>;

export function toVariantDto(row: ListedVariant, images: ProductImageRow[], mediaBaseUrl: string): VariantDto {
  return {
    id: row.id,
    productId: row.productId,
    sku: row.sku,
    title: row.title,
    optionValues: row.optionValues,
    priceCents: row.priceCents,
    stock: row.stock,
    isActive: row.isActive,
    lowStockThreshold: row.lowStockThreshold,
    images: images.filter((image) => image.variantId === row.id).map((image) => toImageDto(image, mediaBaseUrl)),
  };
}

/** A product's variants that the viewer may see: live ones for staff, active ones for everyone else. */
export const visibleVariant = (variant: Pick<VariantRow, 'isActive' | 'archivedAt'>, viewer: Viewer) =>
  !variant.archivedAt && (variant.isActive || isStaff(viewer));

/** The images of some products, in display order. */
const imagesOf = (db: Db, productIds: number[]) =>
  db
    .select({
      id: productImages.id,
      productId: productImages.productId,
      variantId: productImages.variantId,
      storageKey: productImages.storageKey,
      url: productImages.url,
      alt: productImages.alt,
      width: productImages.width,
      height: productImages.height,
    })
    .from(productImages)
    .where(inArray(productImages.productId, productIds))
    .orderBy(asc(productImages.position), asc(productImages.id));

/**
 * The live variants and the images of the product whose id is `productId`, in display order,
 * as two JSON arrays: columns of a list page's own query, so a page is one round trip.
 */
export function relatedJson(productId: SQL) {
  const v = (column: AnyColumn) => qualified('v', column);
  const i = (column: AnyColumn) => qualified('i', column);
  const pv = productVariants;
  const pi = productImages;
  return {
    variants: sql<ListedVariant[]>`(select coalesce(json_agg(json_build_object(
      'id', ${v(pv.id)}, 'productId', ${v(pv.productId)}, 'sku', ${v(pv.sku)}, 'title', ${v(pv.title)},
      'optionValues', ${v(pv.optionValues)}, 'priceCents', ${v(pv.priceCents)}, 'stock', ${v(pv.stock)},
      'isActive', ${v(pv.isActive)}, 'archivedAt', ${v(pv.archivedAt)}, 'lowStockThreshold', ${v(pv.lowStockThreshold)}
      ) order by ${v(pv.position)}, ${v(pv.id)}), '[]')
      from ${pv} v where ${v(pv.productId)} = ${productId} and ${v(pv.archivedAt)} is null)`,
    images: sql<ProductImageRow[]>`(select coalesce(json_agg(json_build_object(
      'id', ${i(pi.id)}, 'variantId', ${i(pi.variantId)}, 'storageKey', ${i(pi.storageKey)}, 'url', ${i(pi.url)},
      'alt', ${i(pi.alt)}, 'width', ${i(pi.width)}, 'height', ${i(pi.height)}
      ) order by ${i(pi.position)}, ${i(pi.id)}), '[]')
      from ${pi} i where ${i(pi.productId)} = ${productId})`,
  };
}

/** Live variants and images of some products, by product id, in display order. */
export async function variantsAndImagesOf(db: Db, productIds: number[]) {
  if (productIds.length === 0) return { variants: new Map<number, VariantRow[]>(), images: new Map<number, ProductImageRow[]>() };
  const [variantRows, imageRows] = await Promise.all([
    db
      .select(variantColumns)
      .from(productVariants)
      .where(and(inArray(productVariants.productId, productIds), isNull(productVariants.archivedAt)))
      .orderBy(asc(productVariants.position), asc(productVariants.id)),
    imagesOf(db, productIds),
  ]);
  return { variants: groupBy(variantRows, (v) => v.productId), images: groupBy(imageRows, (i) => i.productId) };
}

/** "M / Red": the option values in the product's option order; "Default" without options. */
export function titleOf(options: readonly ProductOption[], values: Record<string, string>): string {
  return options.length ? options.map((option) => values[option.name]).join(' / ') : 'Default';
}

/**
 * A variant's option values must name exactly the product's options, each with one of its
 * values. `field` is where the caller sent them, for the 400.
 */
export function checkOptionValues(options: readonly ProductOption[], values: Record<string, string>, field: string): void {
  const names = options.map((option) => option.name);
  const extra = Object.keys(values).find((name) => !names.includes(name));
  const problem =
    extra !== undefined
      ? `the product has no option "${extra}"`
      : options
          .map((option) => {
            const value = values[option.name];
            if (value === undefined) return `a value for "${option.name}" is missing`;
            return option.values.includes(value) ? null : `"${value}" is not a value of "${option.name}" (${option.values.join(', ')})`;
          })
          .find((p) => p !== null);
  if (problem) throw new AppError('INVALID_OPTION_VALUE', `${field}: ${problem}`, { field });
}

/** The unique indexes a variant write can hit, as the caller's 409s. */
export function variantWriteError(error: unknown, productId: number): never {
  if (isUniqueViolation(error, 'product_variants_sku_unique')) {
    throw new AppError('SKU_TAKEN', 'Another variant already has this sku', { field: 'sku', productId });
  }
  if (isUniqueViolation(error, 'product_variants_combination_unique')) {
    throw new AppError('DUPLICATE_VARIANT', 'Another variant of this product has the same option values', {
      field: 'optionValues',
      productId,
    });
  }
  throw error;
}

/**
 * Makes the product row's price (lowest active variant price) and stock (active variants'
 * stock added up) true again after a variant changed. The product row is locked first, and the
 * sums are read by a later statement, so they see every transaction that changed a variant
 * and the product row before this one got the lock; orders change both, variant first.
 */
export async function syncProduct(tx: Transaction, productId: number): Promise<void> {
  await tx.select({ id: products.id }).from(products).where(eq(products.id, productId)).for('update');
  const live = sql`${productVariants.productId} = ${productId} and ${productVariants.isActive} and ${productVariants.archivedAt} is null`;
  await tx
    .update(products)
    .set({
      priceCents: sql`coalesce((select min(${productVariants.priceCents}) from ${productVariants} where ${live}), ${products.priceCents})`,
      stock: sql`coalesce((select sum(${productVariants.stock}) from ${productVariants} where ${live}), 0)::int`,
      updatedAt: sql`now()`,
    })
    .where(eq(products.id, productId));
}

/** Inserts variants of a product (inside the caller's transaction) and brings the product row in line. */
export async function insertVariants(
  tx: Transaction,
  product: { id: number; options: readonly ProductOption[] },
  variants: readonly CreateVariantInput[],
): Promise<VariantRow[]> {
  variants.forEach((variant, i) => checkOptionValues(product.options, variant.optionValues, `variants.${i}.optionValues`));
  const [last] = await tx
    .select({ position: sql<number>`coalesce(max(${productVariants.position}), -1)::int` })
    .from(productVariants)
    .where(eq(productVariants.productId, product.id));
  const rows = await tx
    .insert(productVariants)
    .values(
      variants.map((variant, i) => ({
        productId: product.id,
        sku: variant.sku ?? null,
        title: variant.title ?? titleOf(product.options, variant.optionValues),
        optionValues: variant.optionValues,
        priceCents: variant.priceCents,
        stock: variant.stock,
        isActive: variant.isActive,
        lowStockThreshold: variant.lowStockThreshold ?? null,
        position: Number(last?.position ?? -1) + 1 + i,
      })),
    )
    .returning(variantColumns)
    .catch((error: unknown) => variantWriteError(error, product.id));
  await syncProduct(tx, product.id);
  return rows;
}

async function productOf(tx: Transaction, productId: number) {
  const [product] = await tx
    .select({ id: products.id, options: products.options })
    .from(products)
    .where(eq(products.id, productId));
  if (!product) throw notFound('Product');
  return product;
}

/** The variant, locked; an archived one only when `archived` allows it. */
async function lockedVariant(
  tx: Transaction,
  ids: { productId: number; variantId: number },
  archived: 'allowed' | 'not found' = 'not found',
): Promise<VariantRow> {
  const [variant] = await tx
    .select(variantColumns)
    .from(productVariants)
    .where(and(eq(productVariants.id, ids.variantId), eq(productVariants.productId, ids.productId)))
    .for('update');
  if (!variant || (variant.archivedAt && archived === 'not found')) throw notFound('Variant');
  return variant;
}

/** The variants of a product that stay active once `leaving` is archived or switched off. */
async function othersActive(tx: Transaction, productId: number, leaving: number): Promise<number> {
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(productVariants)
    .where(
      sql`${productVariants.productId} = ${productId} and ${productVariants.id} <> ${leaving} and ${productVariants.isActive} and ${productVariants.archivedAt} is null`,
    );
  return Number(row?.count ?? 0);
}

const lastVariant = (productId: number, variantId: number) =>
  new AppError('LAST_VARIANT', 'A product keeps at least one active variant: archive the product instead', {
    productId,
    variantId,
  });

/** A variant as answered to staff, with its images (its product's variants are not read). */
export async function variantDto(deps: Deps, row: VariantRow): Promise<VariantDto> {
  return toVariantDto(row, await imagesOf(deps.db, [row.productId]), deps.settings.mediaBaseUrl);
}

/** POST /api/products/{id}/variants. */
export async function createVariant(
  deps: Deps,
  actor: Actor,
  { productId, ...input }: CreateVariantInput & { productId: number },
): Promise<VariantDto> {
  const row = await transaction(deps, async (tx) => {
    const product = await productOf(tx, productId);
    const [created] = await insertVariants(tx, product, [input]);
    await recordChange(deps, tx, { actor, entity: 'variant', id: created!.id, action: 'create', before: null, after: created! });
    catalogChanged(deps, tx);
    return created!;
  });
  return variantDto(deps, row);
}

/** PUT /api/products/{id}/variants/{variantId}: any subset of the fields. */
export async function updateVariant(
  deps: Deps,
  actor: Actor,
  { productId, variantId, ...input }: UpdateVariantInput & { productId: number; variantId: number },
): Promise<VariantDto> {
  const ids = { productId, variantId };
  const row = await transaction(deps, async (tx) => {
    const current = await lockedVariant(tx, ids);
    const product = await productOf(tx, ids.productId);
    if (input.optionValues !== undefined) checkOptionValues(product.options, input.optionValues, 'optionValues');
    if (input.isActive === false && current.isActive && (await othersActive(tx, ids.productId, ids.variantId)) === 0) {
      throw lastVariant(ids.productId, ids.variantId);
    }
    const title = input.title ?? (input.optionValues ? titleOf(product.options, input.optionValues) : undefined);
    const [updated] = await tx
      .update(productVariants)
      .set({ ...input, ...(title !== undefined && { title }), updatedAt: deps.clock.now() })
      .where(eq(productVariants.id, ids.variantId))
      .returning(variantColumns)
      .catch((error: unknown) => variantWriteError(error, ids.productId));
    await syncProduct(tx, ids.productId);
    await recordChange(deps, tx, { actor, entity: 'variant', id: ids.variantId, action: 'update', before: current, after: updated! });
    catalogChanged(deps, tx);
    if (updated && (updated.stock !== current.stock || updated.isActive !== current.isActive)) {
      await publishStock(deps, tx, { productId: ids.productId, variantId: ids.variantId, stock: updated.stock, live: updated.isActive });
    }
    return updated!;
  });
  return variantDto(deps, row);
}

/** DELETE /api/products/{id}/variants/{variantId}: archives; past orders and carts keep pointing at it. */
export async function archiveVariant(deps: Deps, actor: Actor, ids: { productId: number; variantId: number }): Promise<{ success: true }> {
  await transaction(deps, async (tx) => {
    const current = await lockedVariant(tx, ids, 'allowed');
    // Archiving twice is fine, as for products.
    if (current.archivedAt) return;
    if (current.isActive && (await othersActive(tx, ids.productId, ids.variantId)) === 0) {
      throw lastVariant(ids.productId, ids.variantId);
    }
    const [archived] = await tx
      .update(productVariants)
      .set({ archivedAt: deps.clock.now(), updatedAt: deps.clock.now() })
      .where(eq(productVariants.id, ids.variantId))
      .returning(variantColumns);
    await recordChange(deps, tx, { actor, entity: 'variant', id: ids.variantId, action: 'archive', before: current, after: archived! });
    await syncProduct(tx, ids.productId);
    catalogChanged(deps, tx);
    await publishStock(deps, tx, { productId: ids.productId, variantId: ids.variantId, stock: current.stock, live: false });
  });
  return { success: true };
}

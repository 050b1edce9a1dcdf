import { productImages, productRatings, products, productVariants, qualified, columnsOf, type Transaction } from '@commerce/db';
import { and, asc, desc, eq, gte, inArray, lte, notInArray, or, sql, type AnyColumn, type SQL, type Subquery } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound, pgErrorCode, PG_FOREIGN_KEY_VIOLATION } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { transaction } from '../transaction';
import { emit } from '../outbox';
import { isStaff, type Viewer } from '../viewer';
import { categoryTreeIds } from './categories';
import { removeImageFilesAfterCommit, toImageDto, type ProductImageRow } from './images';
import type { CreateProductInput, ListProductsInput, ProductDto, ProductFilter, UpdateProductInput } from './schemas';
import { withUniqueSlug } from './slugs';
import {
  checkOptionValues,
  insertVariants,
  syncProduct,
  titleOf,
  toVariantDto,
  variantsAndImagesOf,
  relatedJson,
  variantWriteError,
  visibleVariant,
  type ListedVariant,
} from './variants';
import { catalogChanged, countAtCatalogVersion } from './version';

export type ProductRow = Omit<typeof products.$inferSelect, 'search' | 'inStock'>;

/** How staff see a product (inactive variants included), for answers to staff writes. */
export const asStaff: Viewer = { userId: 0, role: 'staff' };

/** A product as `viewer` may see it, with its live variants and images. */
export function toProductDto(
  row: ProductRow,
  related: { variants: ListedVariant[]; images: ProductImageRow[]; rating?: RatingRow | undefined },
  context: { viewer: Viewer; settings: Deps['settings'] },
): ProductDto {
  const { mediaBaseUrl, currency } = context.settings;
  const only = related.variants.length === 1 ? related.variants[0] : undefined;
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    currency,
    stock: row.stock,
    isActive: row.isActive,
    categoryId: row.categoryId,
    sku: only?.sku ?? null,
    images: related.images.map((image) => toImageDto(image, mediaBaseUrl)),
    options: row.options,
    variants: related.variants
      .filter((variant) => visibleVariant(variant, context.viewer))
      .map((variant) => toVariantDto(variant, related.images, mediaBaseUrl)),
    rating: toRatingDto(related.rating),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type RatingRow = { ratingCount: number; ratingSum: number };

function toRatingDto(row: RatingRow | undefined): ProductDto['rating'] {
  if (!row || row.ratingCount === 0) return { average: null, count: 0 };
  return { average: Math.round((row.ratingSum / row.ratingCount) * 100) / 100, count: row.ratingCount };
}

/** The approved-review figures of some products (a product without any has no row). */
async function ratingsOf(db: Deps['db'] | Transaction, productIds: number[]): Promise<Map<number, RatingRow>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.select().from(productRatings).where(inArray(productRatings.productId, productIds));
  return new Map(rows.map((row) => [row.productId, row]));
}

/** Every column but the search vector, which no caller needs to read. */
export const productColumns = {
  id: products.id,
  slug: products.slug,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  stock: products.stock,
  isActive: products.isActive,
  archivedAt: products.archivedAt,
  categoryId: products.categoryId,
  options: products.options,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

/** Products with their variants and images, for `viewer`, in the order of `rows`. */
async function productDtos(deps: Deps, viewer: Viewer, rows: ProductRow[]): Promise<ProductDto[]> {
  const ids = rows.map((row) => row.id);
  const [related, ratings] = await Promise.all([variantsAndImagesOf(deps.db, ids), ratingsOf(deps.db, ids)]);
  return rows.map((row) =>
    toProductDto(
      row,
      { variants: related.variants.get(row.id) ?? [], images: related.images.get(row.id) ?? [], rating: ratings.get(row.id) },
      { viewer, settings: deps.settings },
    ),
  );
}

// The audience filters are written as literals, never as bound parameters, so that the
// planner can prove the partial indexes' predicates (see schema/catalog.ts) from them.
const publicRow = sql`${products.isActive} and ${products.archivedAt} is null`;
const staffRow = sql`${products.archivedAt} is null`;
const inactiveRow = sql`not ${products.isActive} and ${products.archivedAt} is null`;

type SortColumns = Record<'createdAt' | 'id' | 'priceCents' | 'name', AnyColumn>;

// Columns of the products table, or of a subquery over it.
const sortOrders: Record<ListProductsInput['sort'], (c: SortColumns) => SQL[]> = {
  newest: (c) => [desc(c.createdAt), desc(c.id)],
  price_asc: (c) => [asc(c.priceCents), asc(c.id)],
  price_desc: (c) => [desc(c.priceCents), desc(c.id)],
  name: (c) => [asc(c.name), asc(c.id)],
};

/**
 * Up to this many matches, a search page is sorted from the matches (found through the text
 * index) rather than read off a sort index: walking a sort index to find a few rare matches
 * reads every product, and the planner cannot tell a rare word from a common one it has no
 * statistics on.
 */
const FEW_MATCHES = 2_000;

/** Products with a live variant whose sku is exactly `q`, in any case (at most a few); unexecuted, for the plan test. */
export const skuLookupQuery = (deps: Deps, q: string) =>
  deps.db
    .select({ productId: productVariants.productId })
    .from(productVariants)
    .where(sql`lower(${productVariants.sku}) = lower(${q}) and ${productVariants.archivedAt} is null`);

/** The conditions of a product filter as `viewer` may apply it (a list page, a bulk action, an export). */
export async function listConditions(deps: Deps, viewer: Viewer, input: ProductFilter): Promise<SQL[]> {
  const conditions: SQL[] = [];
  if (!isStaff(viewer) || input.active === true) conditions.push(publicRow);
  else conditions.push(input.active === false ? inactiveRow : staffRow);
  if (input.categoryId !== undefined) {
    // Resolved to ids first: the planner estimates a literal list well, a recursive subquery not.
    conditions.push(inArray(products.categoryId, await categoryTreeIds(deps.db, input.categoryId)));
  }
  if (input.minPriceCents !== undefined) conditions.push(gte(products.priceCents, input.minPriceCents));
  if (input.maxPriceCents !== undefined) conditions.push(lte(products.priceCents, input.maxPriceCents));
  // The indexed flag, never `stock` itself (see schema/catalog.ts).
  if (input.inStock === true) conditions.push(sql`${products.inStock}`);
  if (input.inStock === false) conditions.push(sql`not ${products.inStock}`);
  if (input.q) {
    // An array of the sku matches (an InitPlan, in the same statement): the text search and the
    // sku match then combine as two index scans (a BitmapOr), with no round trip before them.
    const text = sql`${products.search} @@ websearch_to_tsquery('english', ${input.q})`;
    conditions.push(or(text, sql`${products.id} = any(array(${skuLookupQuery(deps, input.q)}))`)!);
  }
  return conditions;
}

const pageQuery = (deps: Deps, where: SQL | undefined) => deps.db.select(productColumns).from(products).where(where);

/**
 * A page of products with their live variants, images and rating, in one statement. The page
 * is chosen in a subquery (its LIMIT keeps it one), so the related rows are read for its rows
 * only, never for those the OFFSET skips.
 */
function withRelated(deps: Deps, page: { as(alias: 'page'): Subquery }, sort: ListProductsInput['sort']) {
  const rows = page.as('page');
  const columns = columnsOf(rows, productColumns);
  const id = qualified('page', products.id);
  const related = relatedJson(id);
  return deps.db
    .select({
      row: columns,
      variants: related.variants,
      images: related.images,
      rating: sql<RatingRow | null>`(select json_build_object('ratingCount', ${qualified('r', productRatings.ratingCount)},
        'ratingSum', ${qualified('r', productRatings.ratingSum)}) from ${productRatings} r where ${qualified('r', productRatings.productId)} = ${id})`,
    })
    .from(rows)
    .orderBy(...sortOrders[sort](columns));
}

/**
 * The queries behind a product list page, unexecuted: `listProducts` runs them, and the plan
 * test EXPLAINs exactly these (`.toSQL()`), so an index it relies on cannot go missing.
 */
export async function productListQueries(deps: Deps, viewer: Viewer, input: ListProductsInput) {
  const where = and(...(await listConditions(deps, viewer, input)));
  const offset = offsetOf(input.page, input.limit);
  // A LIMIT makes Postgres plan the matches on their own (a subquery with one is never merged
  // into the outer query), so the outer order cannot pull them through a sort index. Far above
  // FEW_MATCHES: only used when the count says they are fewer, and products added since still fit.
  const matches = pageQuery(deps, where).limit(10 * FEW_MATCHES).as('matches');
  const page = pageQuery(deps, where)
    .orderBy(...sortOrders[input.sort](products))
    .limit(input.limit)
    .offset(offset);
  return {
    page: withRelated(deps, page, input.sort),
    count: deps.db.select({ total: sql<number>`count(*)::int` }).from(products).where(where),
    ...(input.q && {
      pageOfFewMatches: withRelated(
        deps,
        deps.db
          .select(columnsOf(matches, productColumns))
          .from(matches)
          .orderBy(...sortOrders[input.sort](matches))
          .limit(input.limit)
          .offset(offset),
        input.sort,
      ),
    }),
  };
}

export async function listProducts(deps: Deps, viewer: Viewer, input: ListProductsInput): Promise<Page<ProductDto>> {
  const queries = await productListQueries(deps, viewer, input);
  const count = () => countAtCatalogVersion(deps, queries.count, async () => Number((await queries.count)[0]?.total ?? 0));
  let rows: Awaited<typeof queries.page>;
  let total: number;
  if (queries.pageOfFewMatches) {
    // A search: how many products match (a count cached per shape) decides how the page is read.
    total = await count();
    rows = total === 0 ? [] : await (total <= FEW_MATCHES ? queries.pageOfFewMatches : queries.page);
  } else {
    [rows, total] = await Promise.all([queries.page, count()]);
  }
  const context = { viewer, settings: deps.settings };
  const items = rows.map(({ row, rating, ...related }) => toProductDto(row, { ...related, rating: rating ?? undefined }, context));
  return pageOf(items, input.page, input.limit, total);
}

/**
 * The ⌘K palette's products: the newest `limit` that staff find with `q`, as listProducts finds
 * them, with what the palette shows. No count (a common word's first count reads the whole
 * table): up to FEW_MATCHES matches are read through the text index and sorted, and only when
 * there are more (a common word, dense in every part of the sort index) are the newest read off
 * the sort index.
 */
export async function findProductsForPalette(deps: Deps, q: string, limit: number) {
  const where = and(...(await listConditions(deps, asStaff, { q })));
  // The sku shown for a product with one live variant (as toProductDto), read for the rows shown only.
  const v = (column: AnyColumn) => qualified('v', column);
  const onlySku = (alias: string) => sql<string | null>`(select case when count(*) = 1 then min(${v(productVariants.sku)}) end
    from ${productVariants} v where ${v(productVariants.productId)} = ${qualified(alias, products.id)} and ${v(productVariants.archivedAt)} is null)`;
  const shown = { id: products.id, name: products.name, isActive: products.isActive, stock: products.stock };
  const sortable = { ...shown, createdAt: products.createdAt };
  const matches = deps.db.select(sortable).from(products).where(where).limit(FEW_MATCHES + 1).as('matches');
  const newest = deps.db
    .select({ ...columnsOf(matches, sortable), matched: sql<number>`count(*) over ()`.as('matched') })
    .from(matches)
    .orderBy(desc(matches.createdAt), desc(matches.id))
    .limit(limit)
    .as('newest');
  const few = await deps.db
    .select({ ...columnsOf(newest, shown), sku: onlySku('newest'), matched: newest.matched })
    .from(newest)
    .orderBy(desc(newest.createdAt), desc(newest.id));
  if (few.length === 0 || Number(few[0]!.matched) <= FEW_MATCHES) return few.map(({ matched: _matched, ...row }) => row);
  return deps.db
    .select({ ...shown, sku: onlySku('products') })
    .from(products)
    .where(where)
    .orderBy(...sortOrders.newest(products))
    .limit(limit);
}

async function findProduct(db: Deps['db'] | Transaction, id: number): Promise<ProductRow | undefined> {
  const [row] = await db.select(productColumns).from(products).where(eq(products.id, id)).limit(1);
  return row;
}

/** A product by id. The public sees it only while it is active and not archived; staff see every one. */
export async function getProduct(deps: Deps, viewer: Viewer, id: number): Promise<ProductDto> {
  const row = await findProduct(deps.db, id);
  if (!row || (!isStaff(viewer) && (!row.isActive || row.archivedAt))) throw notFound('Product');
  const [dto] = await productDtos(deps, viewer, [row]);
  return dto!;
}

const productSlug = { table: products, slug: products.slug, id: products.id, constraint: 'products_slug_unique' };

/** Turns the constraint errors a caller can cause into 4xx; anything else (a slug race) passes through. */
function productWriteError(error: unknown): never {
  if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
    throw new AppError('BAD_REQUEST', 'categoryId names no category', { field: 'categoryId' });
  }
  throw error;
}

/**
 * Creates a product with its variants: those given, or one made of the product's own price,
 * stock and sku (so single-variant products keep the shape they always had).
 */
export async function createProduct(deps: Deps, actor: Actor, input: CreateProductInput): Promise<ProductDto> {
  const { variants, priceCents, stock, sku, lowStockThreshold, images, ...fields } = input;
  const row = await withUniqueSlug(deps, productSlug, input.name, 'product', (slug) =>
    transaction(deps, async (tx) => {
      const [created] = await tx
        .insert(products)
        // The price is the variants' to say; syncProduct sets it once they exist.
        .values({ ...fields, slug, categoryId: fields.categoryId ?? null, priceCents: priceCents ?? 0, stock: 0 })
        .returning(productColumns)
        .catch(productWriteError);
      const product = created!;
      await insertVariants(
        tx,
        product,
        variants ?? [
          { optionValues: {}, priceCents: priceCents ?? 0, stock: stock ?? 0, sku, lowStockThreshold, isActive: true },
        ],
      );
      if (images.length) {
        await tx.insert(productImages).values(images.map((image, position) => ({ productId: product.id, ...image, position })));
      }
      const after = (await findProduct(tx, product.id)) ?? null;
      await recordChange(deps, tx, { actor, entity: 'product', id: product.id, action: 'create', before: null, after });
      catalogChanged(deps, tx);
      return product;
    }),
  );
  return getProduct(deps, asStaff, row.id);
}

/**
 * The product-level price, stock, sku and threshold are its only variant's: a product with
 * several live variants is changed per variant.
 */
async function updateOnlyVariant(deps: Deps, tx: Transaction, productId: number, input: UpdateProductInput): Promise<void> {
  const { priceCents, stock, sku, lowStockThreshold } = input;
  const changes = { priceCents, stock, sku, lowStockThreshold };
  const given = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (given.length === 0) return;
  const live = await tx
    .select({ id: productVariants.id })
    .from(productVariants)
    .where(sql`${productVariants.productId} = ${productId} and ${productVariants.archivedAt} is null`)
    .for('update');
  if (live.length !== 1) {
    throw new AppError(
      'PRODUCT_HAS_VARIANTS',
      `This product has ${live.length} variants: change ${given.map(([field]) => field).join(', ')} per variant`,
      { field: given[0]![0], productId },
    );
  }
  await tx
    .update(productVariants)
    .set({ ...changes, updatedAt: deps.clock.now() })
    .where(eq(productVariants.id, live[0]!.id))
    .catch((error: unknown) => variantWriteError(error, productId));
  await syncProduct(tx, productId);
}

/**
 * New options must fit every live variant. An option the product did not have gives each live
 * variant its first value (a shop starting to sell a product in sizes keeps what it sold as the
 * first size), retitling variants whose title was made from their values; removing an option or
 * a value still in use is refused, naming the variant.
 */
async function fitVariantsToOptions(deps: Deps, tx: Transaction, productId: number, options: NonNullable<UpdateProductInput['options']>) {
  const live = await tx
    .select({ id: productVariants.id, optionValues: productVariants.optionValues, title: productVariants.title })
    .from(productVariants)
    .where(sql`${productVariants.productId} = ${productId} and ${productVariants.archivedAt} is null`)
    .orderBy(asc(productVariants.id))
    .for('update');
  const [product] = await tx.select({ options: products.options }).from(products).where(eq(products.id, productId));
  const before = product?.options ?? [];
  const added = options.filter((option) => !before.some((o) => o.name === option.name));
  for (const variant of live) {
    const values = { ...variant.optionValues, ...Object.fromEntries(added.map((option) => [option.name, option.values[0]!])) };
    checkOptionValues(options, values, `options (variant ${variant.id})`);
    if (added.length === 0) continue;
    const title = variant.title === titleOf(before, variant.optionValues) ? titleOf(options, values) : variant.title;
    await tx
      .update(productVariants)
      .set({ optionValues: values, title, updatedAt: deps.clock.now() })
      .where(eq(productVariants.id, variant.id))
      .catch((error: unknown) => variantWriteError(error, productId));
  }
}

/**
 * Sets the product's images to `refs`, in that order: ids keep images it has, URLs add outside
 * ones; the others are removed, with their files once the change commits.
 */
async function replaceImages(
  deps: Deps,
  tx: Transaction,
  productId: number,
  refs: NonNullable<UpdateProductInput['images']>,
): Promise<void> {
  const kept = refs.filter((ref): ref is number => typeof ref === 'number');
  const existing = await tx
    .select({ id: productImages.id, storageKey: productImages.storageKey })
    .from(productImages)
    .where(eq(productImages.productId, productId));
  const unknown = kept.find((id) => !existing.some((image) => image.id === id));
  if (unknown !== undefined) {
    throw new AppError('BAD_REQUEST', `images: image ${unknown} is not an image of this product`, { field: 'images' });
  }
  const removed = await tx
    .delete(productImages)
    .where(and(eq(productImages.productId, productId), kept.length ? notInArray(productImages.id, kept) : undefined))
    .returning({ storageKey: productImages.storageKey });
  for (const [position, ref] of refs.entries()) {
    if (typeof ref === 'number') await tx.update(productImages).set({ position }).where(eq(productImages.id, ref));
    else await tx.insert(productImages).values({ productId, ...ref, position });
  }
  removeImageFilesAfterCommit(deps, tx, removed.map((image) => image.storageKey));
}

export async function updateProduct(deps: Deps, actor: Actor, { id, ...input }: UpdateProductInput & { id: number }): Promise<ProductDto> {
  const current = await findProduct(deps.db, id);
  if (!current) throw notFound('Product');
  if (Object.values(input).every((v) => v === undefined)) return getProduct(deps, asStaff, id);
  const { priceCents: _p, stock: _s, sku: _k, lowStockThreshold: _t, images, ...fields } = input;
  const write = (slug?: string) =>
    transaction(deps, async (tx) => {
      const before = (await findProduct(tx, id)) ?? null;
      // Variants first, then the product row: the order in which orders take them.
      await updateOnlyVariant(deps, tx, id, input);
      if (fields.options !== undefined) await fitVariantsToOptions(deps, tx, id, fields.options);
      const [row] = await tx
        .update(products)
        .set({ ...fields, ...(slug !== undefined && { slug }), updatedAt: deps.clock.now() })
        .where(eq(products.id, id))
        .returning({ id: products.id })
        .catch(productWriteError);
      if (!row) throw notFound('Product');
      if (images !== undefined) await replaceImages(deps, tx, id, images);
      const after = (await findProduct(tx, id)) ?? null;
      await recordChange(deps, tx, { actor, entity: 'product', id, action: 'update', before, after });
      catalogChanged(deps, tx);
      await emit(deps, tx, 'product.updated', { productId: id });
    });
  // The slug follows the name, so that it keeps describing the product.
  if (input.name !== undefined && input.name !== current.name) await withUniqueSlug(deps, productSlug, input.name, 'product', write, id);
  else await write();
  return getProduct(deps, asStaff, id);
}

/** Archives: the row stays for past orders and carts, and leaves every public read. Archiving twice is fine. */
export async function archiveProduct(deps: Deps, actor: Actor, id: number): Promise<{ success: true }> {
  const now = deps.clock.now();
  await transaction(deps, async (tx) => {
    const before = (await findProduct(tx, id)) ?? null;
    const [row] = await tx
      .update(products)
      .set({ archivedAt: sql`coalesce(${products.archivedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
      .where(eq(products.id, id))
      .returning({ id: products.id });
    if (!row) throw notFound('Product');
    if (!before?.archivedAt) {
      await recordChange(deps, tx, { actor, entity: 'product', id, action: 'archive', before, after: (await findProduct(tx, id)) ?? null });
    }
    catalogChanged(deps, tx);
  });
  return { success: true };
}


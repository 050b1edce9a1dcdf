import { categories, products, queryRows, type Database, type Transaction } from '@commerce/db';
import { asc, eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, notFound, pgErrorCode, PG_FOREIGN_KEY_VIOLATION } from '../errors';
import { withUniqueSlug } from './slugs';
import type { CategoryDto, CategoryInput, UpdateCategoryInput } from './schemas';
import { bumpCatalogVersion } from './version';

type CategoryRow = typeof categories.$inferSelect;

const toCategoryDto = (row: CategoryRow): CategoryDto => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  parentId: row.parentId,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

const categorySlug = {
  table: categories,
  slug: categories.slug,
  id: categories.id,
  constraint: 'categories_slug_unique',
};

// Held while a category changes parent, so two moves cannot each pass the cycle check
// against the tree as it was before the other one.
const TREE_LOCK = 727_101;

/** The category and all its descendants. */
export async function categoryTreeIds(db: Database | Transaction, rootId: number): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(db as Database, sql`
    with recursive tree(id) as (
      select ${categories.id} from ${categories} where ${categories.id} = ${rootId}
      union
      select c.id from ${categories} c join tree on c.parent_id = tree.id
    )
    select id from tree`);
  return rows.map((r) => Number(r.id));
}

export async function listCategories(deps: Deps): Promise<{ items: CategoryDto[] }> {
  const rows = await deps.db.select().from(categories).orderBy(asc(categories.name), asc(categories.id));
  return { items: rows.map(toCategoryDto) };
}

const unknownParent = () => new AppError('BAD_REQUEST', 'parentId names no category', { field: 'parentId' });

export async function createCategory(deps: Deps, input: CategoryInput): Promise<CategoryDto> {
  const row = await withUniqueSlug(deps, categorySlug, input.name, 'category', async (slug) => {
    try {
      const [created] = await deps.db
        .insert(categories)
        .values({ name: input.name, slug, parentId: input.parentId ?? null })
        .returning();
      return created!;
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw unknownParent();
      throw error;
    }
  });
  await bumpCatalogVersion(deps);
  return toCategoryDto(row);
}

export async function updateCategory(deps: Deps, id: number, input: UpdateCategoryInput): Promise<CategoryDto> {
  const [current] = await deps.db.select().from(categories).where(eq(categories.id, id)).limit(1);
  if (!current) throw notFound('Category');
  const write = (slug: string | undefined) =>
    deps.db.transaction(async (tx) => {
      if (input.parentId != null) {
        await tx.execute(sql`select pg_advisory_xact_lock(${TREE_LOCK})`);
        const [parent] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, input.parentId));
        if (!parent) throw unknownParent();
        if ((await categoryTreeIds(tx, id)).includes(input.parentId)) {
          throw new AppError('CONFLICT', 'A category cannot be moved under itself or one of its subcategories', {
            field: 'parentId',
          });
        }
      }
      const [row] = await tx
        .update(categories)
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(slug !== undefined && { slug }),
          ...(input.parentId !== undefined && { parentId: input.parentId }),
          updatedAt: deps.clock.now(),
        })
        .where(eq(categories.id, id))
        .returning();
      if (!row) throw notFound('Category');
      return row;
    });
  const row =
    input.name !== undefined && input.name !== current.name
      ? await withUniqueSlug(deps, categorySlug, input.name, 'category', write, id)
      : await write(undefined);
  await bumpCatalogVersion(deps);
  return toCategoryDto(row);
}

/** Only an empty category goes: no subcategories and no products, archived ones included (past orders keep them). */
export async function deleteCategory(deps: Deps, id: number): Promise<CategoryDto> {
  const occupied = () =>
    new AppError('CONFLICT', 'The category still has subcategories or products (archived ones count): move them first');
  const [usage] = await queryRows<{ found: boolean; children: boolean; products: boolean }>(deps.db, sql`
    select
      exists (select 1 from ${categories} where ${categories.id} = ${id}) as found,
      exists (select 1 from ${categories} where ${categories.parentId} = ${id}) as children,
      exists (select 1 from ${products} where ${products.categoryId} = ${id}) as products`);
  if (!usage?.found) throw notFound('Category');
  if (usage.children || usage.products) throw occupied();
  let row: CategoryRow | undefined;
  try {
    [row] = await deps.db.delete(categories).where(eq(categories.id, id)).returning();
  } catch (error) {
    // A subcategory or product added since the check above.
    if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw occupied();
    throw error;
  }
  if (!row) throw notFound('Category');
  await bumpCatalogVersion(deps);
  return toCategoryDto(row);
}

import { categories, products, queryRows, type Database, type Transaction } from '@commerce/db';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { recordChange, type Actor } from '../audit';
import type { Deps } from '../deps';
import { transaction } from '../transaction';
import { AppError, notFound, pgErrorCode, PG_FOREIGN_KEY_VIOLATION } from '../errors';
import { withUniqueSlug } from './slugs';
import type { CategoryDto, CategoryInput, UpdateCategoryInput } from './schemas';
import { catalogChanged } from './version';

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

export async function createCategory(deps: Deps, actor: Actor, input: CategoryInput): Promise<CategoryDto> {
  const row = await withUniqueSlug(deps, categorySlug, input.name, 'category', async (slug) => {
    try {
      return await transaction(deps, async (tx) => {
        const [created] = await tx
          .insert(categories)
          .values({ name: input.name, slug, parentId: input.parentId ?? null })
          .returning();
        await recordChange(deps, tx, { actor, entity: 'category', id: created!.id, action: 'create', before: null, after: created! });
        catalogChanged(deps, tx);
        return created!;
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw unknownParent();
      throw error;
    }
  });
  return toCategoryDto(row);
}

export async function updateCategory(deps: Deps, actor: Actor, { id, ...input }: UpdateCategoryInput & { id: number }): Promise<CategoryDto> {
  const [current] = await deps.db.select().from(categories).where(eq(categories.id, id)).limit(1);
  if (!current) throw notFound('Category');
  const write = (slug: string | undefined) =>
    transaction(deps, async (tx) => {
      if (input.parentId != null) {
        await tx.execute(sql`select pg_advisory_xact_lock(${TREE_LOCK})`);
        const [parent] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, input.parentId));
        if (!parent) throw unknownParent();
        if ((await categoryTreeIds(tx, id)).includes(input.parentId)) {
          throw new AppError('CATEGORY_CYCLE', 'A category cannot be moved under itself or one of its subcategories', {
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
      await recordChange(deps, tx, { actor, entity: 'category', id, action: 'update', before: current, after: row });
      catalogChanged(deps, tx);
      return row;
    });
  const row =
    input.name !== undefined && input.name !== current.name
      ? await withUniqueSlug(deps, categorySlug, input.name, 'category', write, id)
      : await write(undefined);
  return toCategoryDto(row);
}

/**
 * A category goes when nothing live is in it: no subcategories and no products but archived ones.
 * Its archived products (kept for past orders, out of every list) lose the category in the same
 * transaction, so they never block a delete nobody could otherwise do.
 */
export async function deleteCategory(deps: Deps, actor: Actor, id: number): Promise<CategoryDto> {
  const occupied = () => new AppError('CATEGORY_IN_USE', 'The category still has subcategories or products: move them first');
  let row: CategoryRow;
  try {
    row = await transaction(deps, async (tx) => {
      // The row lock waits for, then excludes, a concurrent insert of a subcategory or product
      // naming this category (their foreign key checks take a key-share lock on this row).
      const [found] = await tx.select({ id: categories.id }).from(categories).where(eq(categories.id, id)).for('update');
      if (!found) throw notFound('Category');
      const [usage] = await queryRows<{ children: boolean; products: boolean }>(tx as Database, sql`
        select
          exists (select 1 from ${categories} where ${categories.parentId} = ${id}) as children,
          exists (select 1 from ${products} where ${products.categoryId} = ${id} and ${products.archivedAt} is null) as products`);
      if (usage?.children || usage?.products) throw occupied();
      await tx
        .update(products)
        .set({ categoryId: null, updatedAt: deps.clock.now() })
        .where(and(eq(products.categoryId, id), isNotNull(products.archivedAt)));
      const [deleted] = await tx.delete(categories).where(eq(categories.id, id)).returning();
      if (!deleted) throw notFound('Category');
      await recordChange(deps, tx, { actor, entity: 'category', id, action: 'delete', before: deleted, after: null });
      catalogChanged(deps, tx);
      return deleted;
    });
  } catch (error) {
    // Whatever moved in since the check (the foreign keys restrict): nothing was changed.
    if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) throw occupied();
    throw error;
  }
  return toCategoryDto(row);
}

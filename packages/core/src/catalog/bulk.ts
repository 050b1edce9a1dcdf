import { auditLog, categories, outbox, products, productVariants, users, type Transaction } from '@commerce/db';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../audit';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { afterCommit, transaction } from '../transaction';
import { asStaff, listConditions } from './products';
import { MAX_BULK_PRODUCTS, MAX_PRICE_CENTS, type BulkProductsInput, type BulkProductsResult } from './schemas';
import { catalogChanged } from './version';

/**
 * Ids go to Postgres as one text parameter, never one parameter each: 100 000 of them would pass
 * the protocol's 65 535-parameter limit, and one array keeps the statement's plan simple.
 */
export const idIn = (column: typeof products.id | typeof productVariants.productId, ids: readonly number[]): SQL =>
  sql`${column} = any(string_to_array(${ids.join(',')}, ',')::int[])`;

/** The products a bulk action is about: the selected ones, or every one a staff list with this filter shows. */
async function targetOf(deps: Deps, input: BulkProductsInput): Promise<SQL> {
  if (input.target.kind === 'ids') return and(inArray(products.id, input.target.ids), sql`${products.archivedAt} is null`)!;
  return and(...(await listConditions(deps, asStaff, input.target.filter)))!;
}

/**
 * The target's product ids that the action would change, locked for the rest of the
 * transaction; more than MAX_BULK_PRODUCTS is refused before anything changes.
 */
async function lockTarget(tx: Transaction, target: SQL, unchanged: SQL | undefined): Promise<number[]> {
  const rows = await tx
    .select({ id: products.id })
    .from(products)
    .where(and(target, unchanged))
    .orderBy(products.id)
    .limit(MAX_BULK_PRODUCTS + 1)
    .for('update');
  if (rows.length > MAX_BULK_PRODUCTS) {
    throw new AppError('BAD_REQUEST', `A bulk action changes at most ${MAX_BULK_PRODUCTS.toLocaleString('en-US')} products: narrow the filter`, {
      field: 'target',
    });
  }
  return rows.map((row) => row.id);
}

/** `product.updated` for each changed product, written by one statement in the same transaction. */
export async function emitUpdated(deps: Deps, tx: Transaction, ids: readonly number[]): Promise<void> {
  const now = deps.clock.now().toISOString();
  await tx.execute(sql`
    insert into ${outbox} (type, payload, run_at, created_at)
    select 'product.updated', jsonb_build_object('productId', id), ${now}::timestamptz, ${now}::timestamptz
    from unnest(string_to_array(${ids.join(',')}, ',')::int[]) as id`);
}

/**
 * One audit entry per row of `table` matching `where`, written by one insert-select before the
 * change (so `changes` can read each row's value before it), in the same transaction.
 */
async function recordBulk(
  deps: Deps,
  tx: Transaction,
  { actor, entity, action, table, where, changes }: { actor: Actor; entity: 'product' | 'variant'; action: 'update' | 'archive'; table: typeof products | typeof productVariants; where: SQL; changes: SQL },
): Promise<void> {
  if (actor.kind === 'system') return;
  const person = (column: typeof users.email | typeof users.name) =>
    actor.userId === null ? sql`null` : sql`(select ${column} from ${users} where ${users.id} = ${actor.userId})`;
  await tx.execute(sql`
    insert into ${auditLog} (created_at, actor_kind, actor_user_id, actor_email, actor_name, ip, entity_type, entity_id, action, changes)
    select ${deps.clock.now().toISOString()}::timestamptz, ${actor.kind}, ${actor.userId}::int, ${person(users.email)}, ${person(users.name)}, ${actor.ip}::text,
      ${entity}, ${table.id}::text, ${action}, ${changes}
    from ${table} where ${where}`);
}

const change = (field: string, before: SQL, after: SQL) => sql`jsonb_build_object(${field}::text, jsonb_build_object('before', ${before}, 'after', ${after}))`;

/**
 * Storefronts following a product hear that its variants' availability changed. One effect
 * for the lot, published in parallel batches: a bulk change can touch 100 000 products.
 */
async function publishAvailability(deps: Deps, tx: Transaction, ids: readonly number[], productLive: boolean): Promise<void> {
  const variants = await tx
    .select({ productId: productVariants.productId, variantId: productVariants.id, stock: productVariants.stock, isActive: productVariants.isActive })
    .from(productVariants)
    .where(and(idIn(productVariants.productId, ids), sql`${productVariants.archivedAt} is null`));
  afterCommit(tx, {
    run: async () => {
      for (let i = 0; i < variants.length; i += 500) {
        await Promise.all(
          variants.slice(i, i + 500).map((v) =>
            deps.live.publish({ type: 'stock', productId: v.productId, variantId: v.variantId, stock: v.stock, available: productLive && v.isActive && v.stock > 0, public: productLive }),
          ),
        );
      }
    },
  });
}

/**
 * A variant's new price for a change of `percent`: the exact product rounded half away from
 * zero to a whole minor unit (e.g. 999 × 1.15 = 1148.85 → 1149; 5 × 0.5 = 2.5 → 3).
 */
const repriced = (percent: number) => sql`round(${productVariants.priceCents} * ${100 + percent}::numeric / 100)::int`;

async function changePrices(deps: Deps, tx: Transaction, { actor, ids, percent }: { actor: Actor; ids: readonly number[]; percent: number }): Promise<void> {
  const live = and(idIn(productVariants.productId, ids), sql`${productVariants.archivedAt} is null`);
  const [over] = await tx
    .select({ sku: productVariants.sku, productId: productVariants.productId })
    .from(productVariants)
    .where(and(live, sql`${repriced(percent)} > ${MAX_PRICE_CENTS}`))
    .limit(1);
  if (over) {
    throw new AppError('BAD_REQUEST', `percent: a price would pass the ${MAX_PRICE_CENTS}-minor-unit limit (product ${over.productId}${over.sku ? `, sku ${over.sku}` : ''})`, {
      field: 'percent',
      productId: over.productId,
    });
  }
  await recordBulk(deps, tx, {
    actor,
    entity: 'variant',
    action: 'update',
    table: productVariants,
    where: and(live, sql`${repriced(percent)} <> ${productVariants.priceCents}`)!,
    changes: change('priceCents', sql`${productVariants.priceCents}`, repriced(percent)),
  });
  // Variants first, then the product rows: the order in which orders take them.
  await tx.update(productVariants).set({ priceCents: repriced(percent), updatedAt: deps.clock.now() }).where(live);
  await tx
    .update(products)
    .set({
      priceCents: sql`coalesce((select min(v.price_cents) from ${productVariants} v where v.product_id = ${products.id} and v.is_active and v.archived_at is null), ${products.priceCents})`,
      updatedAt: deps.clock.now(),
    })
    .where(idIn(products.id, ids));
}

/**
 * Activates, deactivates, archives, recategorises or reprices many products in one
 * transaction: a few set-based statements whatever the count, the catalog caches dropped and
 * storefronts told once it commits. Products the action would leave as they are are not counted.
 */
export async function bulkUpdateProducts(deps: Deps, actor: Actor, input: BulkProductsInput): Promise<BulkProductsResult> {
  const { action } = input;
  if (action.type === 'setCategory' && action.categoryId !== null) {
    const [category] = await deps.db.select({ id: categories.id }).from(categories).where(eq(categories.id, action.categoryId));
    if (!category) throw new AppError('BAD_REQUEST', 'categoryId names no category', { field: 'categoryId' });
  }
  const target = await targetOf(deps, input);
  const now = deps.clock.now();
  const changed = await transaction(deps, async (tx) => {
    const ids = await apply(deps, tx, { actor, action, target, now });
    if (ids.length) {
      await emitUpdated(deps, tx, ids);
      catalogChanged(deps, tx);
    }
    return ids;
  });
  return { changed: changed.length };
}

async function apply(
  deps: Deps,
  tx: Transaction,
  { actor, action, target, now }: { actor: Actor; action: BulkProductsInput['action']; target: SQL; now: Date },
): Promise<number[]> {
    switch (action.type) {
      case 'activate':
      case 'deactivate': {
        const isActive = action.type === 'activate';
        const ids = await lockTarget(tx, target, sql`${products.isActive} <> ${isActive}`);
        if (ids.length) {
          await recordBulk(deps, tx, { actor, entity: 'product', action: 'update', table: products, where: idIn(products.id, ids), changes: change('isActive', sql`${products.isActive}`, sql`${isActive}::boolean`) });
          await tx.update(products).set({ isActive, updatedAt: now }).where(idIn(products.id, ids));
          await publishAvailability(deps, tx, ids, isActive);
        }
        return ids;
      }
      case 'archive': {
        const ids = await lockTarget(tx, target, sql`${products.archivedAt} is null`);
        if (ids.length) {
          await recordBulk(deps, tx, { actor, entity: 'product', action: 'archive', table: products, where: idIn(products.id, ids), changes: change('archivedAt', sql`null::text`, sql`${now.toISOString()}::text`) });
          await tx.update(products).set({ archivedAt: now, updatedAt: now }).where(idIn(products.id, ids));
          await publishAvailability(deps, tx, ids, false);
        }
        return ids;
      }
      case 'setCategory': {
        const ids = await lockTarget(tx, target, sql`${products.categoryId} is distinct from ${action.categoryId}`);
        if (ids.length) {
          await recordBulk(deps, tx, { actor, entity: 'product', action: 'update', table: products, where: idIn(products.id, ids), changes: change('categoryId', sql`${products.categoryId}`, sql`${action.categoryId}::int`) });
          await tx.update(products).set({ categoryId: action.categoryId, updatedAt: now }).where(idIn(products.id, ids));
        }
        return ids;
      }
      case 'changePrice': {
        const ids = await lockTarget(tx, target, undefined);
        if (ids.length) await changePrices(deps, tx, { actor, ids, percent: action.percent });
        return ids;
      }
    }
}

import { orderItems, orders, productRatings, products, reviews, users, type Transaction } from '@commerce/db';
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { catalogChanged } from '../catalog/version';
import { recordChange, actorFor } from '../audit';
import type { Deps } from '../deps';
import { AppError, isUniqueViolation, notFound } from '../errors';
import { offsetOf, pageOf, type Page } from '../pagination';
import { transaction } from '../transaction';
import { isStaff, signedInUserId, type Viewer } from '../viewer';
import type {
  CreateReviewInput,
  ListReviewsInput,
  ProductReviewsInput,
  ReviewDto,
  SetReviewStatusInput,
  UpdateReviewInput,
} from './schemas';

type Db = Deps['db'] | Transaction;

// Statuses at which an order's money was taken: paid and everything after it that kept it.
const PURCHASED = sql.raw(`('paid', 'shipped', 'delivered')`);

const reviewColumns = {
  id: reviews.id,
  productId: reviews.productId,
  userName: sql<string>`case when ${users.closedAt} is not null then 'Former customer' else coalesce(nullif(${users.name}, ''), 'Customer') end`,
  rating: reviews.rating,
  title: reviews.title,
  body: reviews.body,
  status: reviews.status,
  userId: reviews.userId,
  createdAt: reviews.createdAt,
  updatedAt: reviews.updatedAt,
};

interface ReviewRow {
  id: number;
  productId: number;
  userName: string;
  rating: number;
  title: string | null;
  body: string;
  status: ReviewDto['status'];
  userId: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Which (author, product) pairs of a page have a purchased order: one query for the page, over
 * orders (user_id, status, …) and order_items (order_id), unexecuted here for the plan test.
 */
export function purchasesQuery(db: Db, rows: readonly { userId: number; productId: number }[]) {
  const userIds = [...new Set(rows.map((row) => row.userId))];
  const productIds = [...new Set(rows.map((row) => row.productId))];
  return db
    .selectDistinct({ userId: orders.userId, productId: orderItems.productId })
    .from(orders)
    .innerJoin(orderItems, eq(orderItems.orderId, orders.id))
    .where(and(inArray(orders.userId, userIds), sql`${orders.status} in ${PURCHASED}`, inArray(orderItems.productId, productIds)));
}

/** The page's reviews as answered, each with whether its author bought the product. */
async function toReviewDtos(db: Db, rows: ReviewRow[]): Promise<ReviewDto[]> {
  if (rows.length === 0) return [];
  const bought = new Set((await purchasesQuery(db, rows)).map((row) => `${row.userId}:${row.productId}`));
  return rows.map((row) => toReviewDto(row, bought.has(`${row.userId}:${row.productId}`)));
}

function toReviewDto(row: ReviewRow, verifiedPurchase: boolean): ReviewDto {
  return {
    id: row.id,
    productId: row.productId,
    userName: row.userName,
    rating: row.rating,
    title: row.title,
    body: row.body,
    status: row.status,
    verifiedPurchase,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const selectReviews = (db: Db) => db.select(reviewColumns).from(reviews).innerJoin(users, eq(users.id, reviews.userId));

async function loadReview(db: Db, id: number): Promise<ReviewDto> {
  const [row] = await selectReviews(db).where(eq(reviews.id, id));
  if (!row) throw notFound('Review');
  const [dto] = await toReviewDtos(db, [row]);
  return dto!;
}

/** The product must be one the public sees (active, not archived): 404 otherwise. */
async function requirePublicProduct(db: Db, productId: number): Promise<void> {
  const [product] = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.id, productId), eq(products.isActive, true), isNull(products.archivedAt)));
  if (!product) throw notFound('Product');
}

/**
 * Moves a product's approved-review figures by one review, in the caller's transaction, and
 * has every cached catalog read (the product's `rating`, its public reviews) dropped once it commits.
 */
async function adjustRating(deps: Deps, tx: Transaction, productId: number, change: { count: 1 | -1; rating: number }) {
  if (change.count === 1) {
    await tx
      .insert(productRatings)
      .values({ productId, ratingCount: 1, ratingSum: change.rating })
      .onConflictDoUpdate({
        target: productRatings.productId,
        set: {
          ratingCount: sql`${productRatings.ratingCount} + 1`,
          ratingSum: sql`${productRatings.ratingSum} + excluded.rating_sum`,
        },
      });
  } else {
    // An approved review was counted, so its product's row exists. (Not an upsert: the CHECK on
    // the row an INSERT proposes would refuse the negative figures before any conflict.)
    await tx
      .update(productRatings)
      .set({
        ratingCount: sql`${productRatings.ratingCount} - 1`,
        ratingSum: sql`${productRatings.ratingSum} - ${change.rating}`,
      })
      .where(eq(productRatings.productId, productId));
  }
  catalogChanged(deps, tx);
}

/** POST /api/products/{id}/reviews: pending until staff approve it; one per customer and product. */
export async function createReview(deps: Deps, viewer: Viewer, input: CreateReviewInput): Promise<ReviewDto> {
  const userId = signedInUserId(viewer);
  await requirePublicProduct(deps.db, input.id);
  let id: number;
  try {
    const [row] = await deps.db
      .insert(reviews)
      .values({ productId: input.id, userId, rating: input.rating, title: input.title ?? null, body: input.body, status: 'pending' })
      .returning({ id: reviews.id });
    id = row!.id;
  } catch (error) {
    if (isUniqueViolation(error, 'reviews_user_product_unique')) {
      throw new AppError('ALREADY_REVIEWED', 'You have already reviewed this product: edit that review instead');
    }
    throw error;
  }
  return loadReview(deps.db, id);
}

/** The author's own review, locked; another user's reads as absent. */
async function lockOwnReview(tx: Transaction, userId: number, id: number) {
  const [row] = await tx
    .select({ id: reviews.id, productId: reviews.productId, rating: reviews.rating, status: reviews.status })
    .from(reviews)
    .where(and(eq(reviews.id, id), eq(reviews.userId, userId)))
    .for('update');
  if (!row) throw notFound('Review');
  return row;
}

/** PUT /api/reviews/{id} (author): any edit sends it back to moderation, so it leaves the public figures. */
export async function updateReview(deps: Deps, viewer: Viewer, input: UpdateReviewInput): Promise<ReviewDto> {
  const userId = signedInUserId(viewer);
  const { id, ...changes } = input;
  await transaction(deps, async (tx) => {
    const current = await lockOwnReview(tx, userId, id);
    if (current.status === 'approved') await adjustRating(deps, tx, current.productId, { count: -1, rating: current.rating });
    await tx
      .update(reviews)
      .set({
        ...(changes.rating !== undefined && { rating: changes.rating }),
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.body !== undefined && { body: changes.body }),
        status: 'pending',
        updatedAt: sql`now()`,
      })
      .where(eq(reviews.id, id));
  });
  return loadReview(deps.db, id);
}

/** DELETE /api/reviews/{id} (author). */
export async function deleteReview(deps: Deps, viewer: Viewer, id: number): Promise<{ success: true }> {
  const userId = signedInUserId(viewer);
  await transaction(deps, async (tx) => {
    const current = await lockOwnReview(tx, userId, id);
    if (current.status === 'approved') await adjustRating(deps, tx, current.productId, { count: -1, rating: current.rating });
    await tx.delete(reviews).where(eq(reviews.id, id));
  });
  return { success: true };
}

/** PUT /api/reviews/{id}/status (staff): approve or reject; the product's rating follows in the same transaction. */
export async function setReviewStatus(deps: Deps, viewer: Viewer, input: SetReviewStatusInput): Promise<ReviewDto> {
  if (!isStaff(viewer)) throw new AppError('FORBIDDEN', 'Staff or admin role required');
  await transaction(deps, async (tx) => {
    const [current] = await tx
      .select({ productId: reviews.productId, rating: reviews.rating, status: reviews.status })
      .from(reviews)
      .where(eq(reviews.id, input.id))
      .for('update');
    if (!current) throw notFound('Review');
    if (current.status === input.status) return;
    if (input.status === 'approved') await adjustRating(deps, tx, current.productId, { count: 1, rating: current.rating });
    else if (current.status === 'approved') await adjustRating(deps, tx, current.productId, { count: -1, rating: current.rating });
    await tx.update(reviews).set({ status: input.status, updatedAt: sql`now()` }).where(eq(reviews.id, input.id));
    await recordChange(deps, tx, {
      actor: actorFor(viewer),
      entity: 'review',
      id: input.id,
      action: 'status',
      before: { status: current.status },
      after: { status: input.status },
    });
  });
  return loadReview(deps.db, input.id);
}

// Written as a literal so the planner matches the partial indexes (schema/accounts.ts).
const approved = sql`${reviews.status} = 'approved'`;

const publicSorts: Record<ProductReviewsInput['sort'], SQL[]> = {
  newest: [desc(reviews.createdAt), desc(reviews.id)],
  rating_desc: [desc(reviews.rating), desc(reviews.createdAt), desc(reviews.id)],
  rating_asc: [asc(reviews.rating), desc(reviews.createdAt), desc(reviews.id)],
};

/** The two queries behind a public reviews page, unexecuted, for the plan test too. */
export function productReviewQueries(deps: Deps, input: ProductReviewsInput) {
  const where = and(eq(reviews.productId, input.id), approved);
  return {
    page: selectReviews(deps.db)
      .where(where)
      .orderBy(...publicSorts[input.sort])
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    count: deps.db.select({ total: sql<number>`count(*)::int` }).from(reviews).where(where),
  };
}

/** Runs a page's two queries and answers the page. */
async function reviewPage(
  deps: Deps,
  queries: ReturnType<typeof productReviewQueries>,
  input: { page: number; limit: number },
): Promise<Page<ReviewDto>> {
  const [rows, [count]] = await Promise.all([queries.page, queries.count]);
  return pageOf(await toReviewDtos(deps.db, rows), input.page, input.limit, Number(count?.total ?? 0));
}

/** GET /api/products/{id}/reviews: approved reviews only; a product the public cannot see is a 404. */
export async function listProductReviews(deps: Deps, input: ProductReviewsInput): Promise<Page<ReviewDto>> {
  await requirePublicProduct(deps.db, input.id);
  return reviewPage(deps, productReviewQueries(deps, input), input);
}

/** The queries behind staff's moderation list, unexecuted, for the plan test too. */
export function staffReviewQueries(deps: Deps, input: ListReviewsInput) {
  const conditions: SQL[] = [];
  if (input.status) conditions.push(eq(reviews.status, input.status));
  if (input.productId !== undefined) conditions.push(eq(reviews.productId, input.productId));
  if (input.rating !== undefined) conditions.push(eq(reviews.rating, input.rating));
  const where = conditions.length ? and(...conditions) : undefined;
  return {
    page: selectReviews(deps.db)
      .where(where)
      .orderBy(desc(reviews.createdAt), desc(reviews.id))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    count: deps.db.select({ total: sql<number>`count(*)::int` }).from(reviews).where(where),
  };
}

/** GET /api/reviews (staff): every status, newest first, by status, product and/or rating. */
export async function listReviews(deps: Deps, viewer: Viewer, input: ListReviewsInput): Promise<Page<ReviewDto>> {
  if (!isStaff(viewer)) throw new AppError('FORBIDDEN', 'Staff or admin role required');
  return reviewPage(deps, staffReviewQueries(deps, input), input);
}

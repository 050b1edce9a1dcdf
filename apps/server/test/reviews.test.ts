import { productRatings, reviews } from '@commerce/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, expectTooMany, startTestServer, type TestServer } from './helpers';
import { address, createProduct, updateProduct } from './orders-helpers';

let server: TestServer;
let db: TestServer['runtime']['deps']['db'];
let staff: string;

beforeAll(async () => {
  server = await startTestServer();
  db = server.runtime.deps.db;
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
});
afterAll(() => server.close());

const customer = () => createUserWithToken(server.runtime, 'customer');
const post = (token: string, productId: number, body: Record<string, unknown>) =>
  server.request('POST', `/api/products/${productId}/reviews`, { token, body });
const moderate = (id: number, status: string, token = staff) => server.request('PUT', `/api/reviews/${id}/status`, { token, body: { status } });
const publicReviews = (productId: number, query = '') => server.request('GET', `/api/products/${productId}/reviews${query}`);
const ratingOf = async (productId: number) => (await server.request('GET', `/api/products/${productId}`)).body.rating;

/** A customer's order of the product, moved to `status` by staff. */
async function buy(token: string, productId: number, status?: 'paid' | 'shipped' | 'delivered' | 'cancelled') {
  const order = await server.request('POST', '/api/orders', { token, body: { items: [{ productId, quantity: 1 }], shippingAddress: address } });
  expect(order.status).toBe(200);
  const path: Record<string, string[]> = { paid: ['paid'], shipped: ['paid', 'shipped'], delivered: ['paid', 'shipped', 'delivered'], cancelled: ['cancelled'] };
  for (const next of status ? path[status]! : []) {
    expect((await server.request('PUT', `/api/orders/${order.body.id}/status`, { token: staff, body: { status: next } })).status).toBe(200);
  }
}

describe('writing reviews', () => {
  it('creates a pending review, stored exactly as sent (no HTML is interpreted), hidden until approved', async () => {
    const { token } = await customer();
    const p = await createProduct(db);
    const body = '  <script>alert("x")</script> & <b>bold</b>\nsecond line  ';
    const res = await post(token, p, { rating: 5, title: '<i>Great</i>', body });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(Number),
      productId: p,
      userName: 'Customer',
      rating: 5,
      title: '<i>Great</i>',
      body,
      status: 'pending',
      verifiedPurchase: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await publicReviews(p)).body).toMatchObject({ items: [], total: 0 });
    expect(await ratingOf(p)).toEqual({ average: null, count: 0 });
  });

  it('validates rating (whole 1..5) and bounded text; a hidden product is a 404', async () => {
    const { token } = await customer();
    const p = await createProduct(db);
    for (const bad of [
      { rating: 0, body: 'x' },
      { rating: 6, body: 'x' },
      { rating: 4.5, body: 'x' },
      { rating: '5', body: 'x' },
      { rating: 5 },
      { rating: 5, body: '   ' },
      { rating: 5, body: 'x'.repeat(5001) },
      { rating: 5, body: 'x', title: 'x'.repeat(201) },
      { rating: 5, body: 'a\u0000b' },
    ]) {
      expect((await post(token, p, bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await post(token, p, { rating: 5, body: 'x'.repeat(5000), title: 'x'.repeat(200) })).status).toBe(200);
    const hidden = await createProduct(db, { isActive: false });
    expect((await post(token, hidden, { rating: 5, body: 'x' })).status).toBe(404);
    expect((await post(token, 2_000_000_000, { rating: 5, body: 'x' })).status).toBe(404);
    expect((await publicReviews(hidden)).status).toBe(404);
    expect((await server.request('POST', `/api/products/${p}/reviews`, { body: { rating: 5, body: 'x' } })).status).toBe(401);
  });

  it('allows one review per customer and product: 409 already_reviewed, exactly one of 30 concurrent posts wins', async () => {
    const { token } = await customer();
    const p = await createProduct(db);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => post(token, p, { rating: 1 + (i % 5), body: `take ${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const refused = results.filter((r) => r.status !== 200);
    expect(refused).toHaveLength(29);
    for (const r of refused) expect(r.body).toMatchObject({ reason: 'already_reviewed' });
    const { eq } = await import('drizzle-orm');
    expect(await db.select().from(reviews).where(eq(reviews.productId, p))).toHaveLength(1);
    // Another customer may still review it.
    expect((await post((await customer()).token, p, { rating: 3, body: 'fine' })).status).toBe(200);
  });

  it('lets only the author edit or delete (another user: 404); an edit goes back to pending and leaves the rating', async () => {
    const author = await customer();
    const other = await customer();
    const p = await createProduct(db);
    const { body: review } = await post(author.token, p, { rating: 5, title: 'Wow', body: 'Great' });
    await moderate(review.id, 'approved');
    expect(await ratingOf(p)).toEqual({ average: 5, count: 1 });
    expect((await server.request('PUT', `/api/reviews/${review.id}`, { token: other.token, body: { rating: 1 } })).status).toBe(404);
    expect((await server.request('DELETE', `/api/reviews/${review.id}`, { token: other.token })).status).toBe(404);
    expect((await server.request('PUT', `/api/reviews/${review.id}`, { token: staff, body: { rating: 1 } })).status).toBe(404);
    const res = await server.request('PUT', `/api/reviews/${review.id}`, { token: author.token, body: { rating: 2, title: null } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ rating: 2, title: null, body: 'Great', status: 'pending' });
    expect(await ratingOf(p)).toEqual({ average: null, count: 0 });
    expect((await publicReviews(p)).body.items).toEqual([]);
    await moderate(review.id, 'approved');
    expect(await ratingOf(p)).toEqual({ average: 2, count: 1 });
    expect((await server.request('DELETE', `/api/reviews/${review.id}`, { token: author.token })).body).toEqual({ success: true });
    expect(await ratingOf(p)).toEqual({ average: null, count: 0 });
    expect((await server.request('DELETE', `/api/reviews/${review.id}`, { token: author.token })).status).toBe(404);
    // Deleted, the customer may review again.
    expect((await post(author.token, p, { rating: 4, body: 'Second thoughts' })).status).toBe(200);
  });
});

describe('moderation', () => {
  it('is for staff: customers get 403 on the list and on status changes; anonymous 401', async () => {
    const { token } = await customer();
    const p = await createProduct(db);
    const { body: review } = await post(token, p, { rating: 3, body: 'ok' });
    expect((await server.request('GET', '/api/reviews', { token })).status).toBe(403);
    expect((await moderate(review.id, 'approved', token)).status).toBe(403);
    expect((await server.request('GET', '/api/reviews')).status).toBe(401);
    expect((await moderate(review.id, 'pending')).status).toBe(400);
    expect((await moderate(2_000_000_000, 'approved')).status).toBe(404);
  });

  it('shows only approved reviews publicly; a rejected one stays hidden; the rating follows each change', async () => {
    const p = await createProduct(db);
    const written = [];
    for (const rating of [5, 4, 1]) written.push((await post((await customer()).token, p, { rating, body: `rated ${rating}` })).body);
    // Read once anonymously, so the catalog cache holds the product and its reviews page.
    expect(await ratingOf(p)).toEqual({ average: null, count: 0 });
    expect((await publicReviews(p)).body.total).toBe(0);
    await moderate(written[0].id, 'approved');
    await moderate(written[1].id, 'approved');
    await moderate(written[2].id, 'rejected');
    expect(await ratingOf(p)).toEqual({ average: 4.5, count: 2 });
    let page = (await publicReviews(p)).body;
    expect(page.total).toBe(2);
    expect(page.items.map((r: { id: number }) => r.id).sort()).toEqual([written[0].id, written[1].id].sort());
    // Rejecting an approved one takes it out again; approving twice counts once.
    await moderate(written[0].id, 'rejected');
    await moderate(written[1].id, 'approved');
    expect(await ratingOf(p)).toEqual({ average: 4, count: 1 });
    page = (await publicReviews(p)).body;
    expect(page.items.map((r: { id: number }) => r.id)).toEqual([written[1].id]);
    // The product list carries the rating too.
    const listed = (await server.request('GET', '/api/products?limit=50')).body.items.find((item: { id: number }) => item.id === p);
    expect(listed?.rating).toEqual({ average: 4, count: 1 });
  });

  it('lists reviews for staff by status and product, newest first', async () => {
    const p = await createProduct(db);
    const q = await createProduct(db);
    const a = (await post((await customer()).token, p, { rating: 5, body: 'a' })).body;
    const b = (await post((await customer()).token, p, { rating: 4, body: 'b' })).body;
    const c = (await post((await customer()).token, q, { rating: 3, body: 'c' })).body;
    await moderate(b.id, 'approved');
    let res = await server.request('GET', `/api/reviews?productId=${p}`, { token: staff });
    expect(res.status).toBe(200);
    expect(res.body.items.map((r: { id: number }) => r.id)).toEqual([b.id, a.id]);
    res = await server.request('GET', `/api/reviews?productId=${p}&status=pending`, { token: staff });
    expect(res.body.items.map((r: { id: number }) => r.id)).toEqual([a.id]);
    res = await server.request('GET', `/api/reviews?status=pending&limit=50`, { token: staff });
    expect(res.body.items.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([a.id, c.id]));
    expect(res.body.items.every((r: { status: string }) => r.status === 'pending')).toBe(true);
    res = await server.request('GET', `/api/reviews?productId=${p}&rating=4`, { token: staff });
    expect(res.body.items.map((r: { id: number }) => r.id)).toEqual([b.id]);
    expect((await server.request('GET', '/api/reviews?rating=6', { token: staff })).status).toBe(400);
    expect((await server.request('GET', '/api/reviews?status=nope', { token: staff })).status).toBe(400);
    expect((await server.request('GET', '/api/reviews?limit=51', { token: staff })).status).toBe(400);
  });

  it('keeps the rating equal to the approved reviews under 40 concurrent moderations', async () => {
    const p = await createProduct(db);
    const written = [];
    for (let i = 0; i < 20; i += 1) written.push((await post((await customer()).token, p, { rating: 1 + (i % 5), body: `r${i}` })).body);
    // Each review approved twice at once, then half of them rejected at once.
    const approvals = await Promise.all(written.flatMap((r) => [moderate(r.id, 'approved'), moderate(r.id, 'approved')]));
    expect(approvals.every((r) => r.status === 200)).toBe(true);
    await Promise.all(written.filter((_, i) => i % 2 === 0).map((r) => moderate(r.id, 'rejected')));
    const { eq, and } = await import('drizzle-orm');
    const approved = await db.select().from(reviews).where(and(eq(reviews.productId, p), eq(reviews.status, 'approved')));
    const [stored] = await db.select().from(productRatings).where(eq(productRatings.productId, p));
    expect(stored).toMatchObject({ ratingCount: approved.length, ratingSum: approved.reduce((sum, r) => sum + r.rating, 0) });
    expect(approved).toHaveLength(10);
    const sum = approved.reduce((s, r) => s + r.rating, 0);
    expect(await ratingOf(p)).toEqual({ average: Math.round((sum / 10) * 100) / 100, count: 10 });
  });
});

describe('public reviews', () => {
  it('sorts by newest, rating_desc, rating_asc and pages', async () => {
    const p = await createProduct(db);
    const ids: number[] = [];
    for (const rating of [3, 5, 1, 4, 2]) {
      const { body } = await post((await customer()).token, p, { rating, body: `r${rating}` });
      await moderate(body.id, 'approved');
      ids.push(body.id);
    }
    const ratings = async (query: string) => (await publicReviews(p, query)).body.items.map((r: { rating: number }) => r.rating);
    expect(await ratings('')).toEqual([2, 4, 1, 5, 3]);
    expect(await ratings('?sort=newest')).toEqual([2, 4, 1, 5, 3]);
    expect(await ratings('?sort=rating_desc')).toEqual([5, 4, 3, 2, 1]);
    expect(await ratings('?sort=rating_asc')).toEqual([1, 2, 3, 4, 5]);
    const page = (await publicReviews(p, '?sort=rating_desc&page=2&limit=2')).body;
    expect(page).toMatchObject({ page: 2, limit: 2, total: 5, totalPages: 3 });
    expect(page.items.map((r: { rating: number }) => r.rating)).toEqual([3, 2]);
    expect((await publicReviews(p, '?sort=best')).status).toBe(400);
    expect((await publicReviews(p, '?limit=51')).status).toBe(400);
    expect((await server.request('GET', '/api/products/abc/reviews')).status).toBe(400);
    // Archived behind the API's back (no cache bump): a signed-in read, which the catalog cache never serves.
    await updateProduct(db, p, { archivedAt: new Date() });
    expect((await server.request('GET', `/api/products/${p}/reviews`, { token: staff })).status).toBe(404);
  });

  it('marks verifiedPurchase only for authors with a paid, shipped or delivered order of the product', async () => {
    const p = await createProduct(db, { stock: 100 });
    const other = await createProduct(db, { stock: 100 });
    const cases: [string, (token: string) => Promise<void>, boolean][] = [
      ['bought nothing', async () => {}, false],
      ['pending order', (t) => buy(t, p), false],
      ['cancelled order', (t) => buy(t, p, 'cancelled'), false],
      ['paid order of another product', (t) => buy(t, other, 'paid'), false],
      ['paid order', (t) => buy(t, p, 'paid'), true],
      ['delivered order', (t) => buy(t, p, 'delivered'), true],
    ];
    for (const [label, history, verified] of cases) {
      const { token } = await customer();
      await history(token);
      const res = await post(token, p, { rating: 4, body: label });
      expect(res.body.verifiedPurchase, label).toBe(verified);
      await moderate(res.body.id, 'approved');
    }
    const items = (await publicReviews(p, '?limit=50')).body.items as { body: string; verifiedPurchase: boolean }[];
    expect(Object.fromEntries(items.map((r) => [r.body, r.verifiedPurchase]))).toEqual(
      Object.fromEntries(cases.map(([label, , verified]) => [label, verified])),
    );
  });

  it('shows the author name they set', async () => {
    const author = await customer();
    await server.request('PUT', '/api/auth/me', { token: author.token, body: { name: 'Margaret' } });
    const p = await createProduct(db);
    const { body } = await post(author.token, p, { rating: 5, body: 'x' });
    expect(body.userName).toBe('Margaret');
  });
});

describe('rate limit', () => {
  it('limits review writes per user (429 with Retry-After), not other users or reads', async () => {
    const limited = await startTestServer({ RATE_LIMIT_REVIEWS_PER_USER: '2' });
    try {
      const ldb = limited.runtime.deps.db;
      const { token } = await createUserWithToken(limited.runtime, 'customer');
      const p = await createProduct(ldb);
      const q = await createProduct(ldb);
      const first = await limited.request('POST', `/api/products/${p}/reviews`, { token, body: { rating: 5, body: 'x' } });
      expect(first.status).toBe(200);
      expect((await limited.request('PUT', `/api/reviews/${first.body.id}`, { token, body: { rating: 4 } })).status).toBe(200);
      expectTooMany(await limited.request('POST', `/api/products/${q}/reviews`, { token, body: { rating: 5, body: 'x' } }), 3600);
      expectTooMany(await limited.request('DELETE', `/api/reviews/${first.body.id}`, { token }), 3600);
      expect((await limited.request('GET', `/api/products/${p}/reviews`, { token })).status).toBe(200);
      const other = await createUserWithToken(limited.runtime, 'customer');
      expect((await limited.request('POST', `/api/products/${q}/reviews`, { token: other.token, body: { rating: 5, body: 'x' } })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

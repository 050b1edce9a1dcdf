import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

let server: TestServer;
let staff: string;

beforeAll(async () => {
  server = await startTestServer();
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
});
afterAll(() => server.close());

const bulk = (body: unknown, token = staff) => server.request('POST', '/trpc/products.bulk', { token, body });

describe('products.bulk (tRPC)', () => {
  it('deactivates selected products: gone from the public list at once', async () => {
    const a = await createProduct(server.runtime.deps.db);
    const b = await createProduct(server.runtime.deps.db);
    const res = await bulk({ target: { kind: 'ids', ids: [a, b] }, action: { type: 'deactivate' } });
    expect(res.status).toBe(200);
    expect(res.body.result.data).toEqual({ changed: 2 });
    expect((await server.request('GET', `/api/products/${a}`)).status).toBe(404);
  });

  it('is 403 for a customer and 401 without a session, changing nothing', async () => {
    const a = await createProduct(server.runtime.deps.db);
    const customer = (await createUserWithToken(server.runtime, 'customer')).token;
    expect((await bulk({ target: { kind: 'ids', ids: [a] }, action: { type: 'archive' } }, customer)).status).toBe(403);
    expect((await server.request('POST', '/trpc/products.bulk', { body: { target: { kind: 'ids', ids: [a] }, action: { type: 'archive' } } })).status).toBe(401);
    expect((await server.request('GET', `/api/products/${a}`)).status).toBe(200);
  });

  it('answers bad input with 400, never 500: unknown category (naming categoryId), percent out of bounds, malformed target', async () => {
    const a = await createProduct(server.runtime.deps.db);
    const unknown = await bulk({ target: { kind: 'ids', ids: [a] }, action: { type: 'setCategory', categoryId: 987_654 } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('categoryId');
    for (const body of [
      { target: { kind: 'ids', ids: [a] }, action: { type: 'changePrice', percent: -95 } },
      { target: { kind: 'ids', ids: [a] }, action: { type: 'changePrice', percent: 5000 } },
      { target: { kind: 'filter', filter: { categoryId: 'x' } }, action: { type: 'activate' } },
      { target: { kind: 'everything' }, action: { type: 'activate' } },
      { target: { kind: 'ids', ids: [a] } },
      'not an object',
    ]) {
      expect((await bulk(body)).status, JSON.stringify(body)).toBe(400);
    }
  });
});

import { expect } from 'vitest';
import { createUserWithToken, startTestServer, type Env, type TestServer } from './helpers';

export interface CatalogFixture {
  server: TestServer;
  staff: string;
  admin: string;
  customer: string;
}

/** A server on an empty catalog, with a staff, an admin and a customer token. */
export async function startCatalogServer(env: Env = {}): Promise<CatalogFixture> {
  const server = await startTestServer(env);
  const [staff, admin, customer] = await Promise.all(
    (['staff', 'admin', 'customer'] as const).map((role) => createUserWithToken(server.runtime, role)),
  );
  return { server, staff: staff!.token, admin: admin!.token, customer: customer!.token };
}

let made = 0;

/** Creates a product through the API (as staff) and returns it; fields default to something valid. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function makeProduct(f: CatalogFixture, body: Record<string, unknown> = {}): Promise<any> {
  made += 1;
  const res = await f.server.request('POST', '/api/products', {
    token: f.staff,
    body: { name: `Product ${made}`, priceCents: 1000, stock: 10, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function makeCategory(f: CatalogFixture, body: Record<string, unknown>): Promise<any> {
  const res = await f.server.request('POST', '/api/categories', { token: f.staff, body });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The ids of a product list page. */
export async function listIds(f: CatalogFixture, query: string, token?: string): Promise<number[]> {
  const res = await f.server.request('GET', `/api/products?${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items.map((p: { id: number }) => p.id);
}

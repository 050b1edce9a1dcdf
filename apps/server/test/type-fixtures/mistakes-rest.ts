// Deliberate type errors against the types openapi-typescript generates from /openapi.json:
// each marked line must be rejected by the compiler, and no other.
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000/api' });

export async function mistakes() {
  await api.GET('/products', { params: { query: { inStock: 'true' } } }); // expect-error: inStock is a boolean
  await api.GET('/products', { params: { query: { limit: '5' } } }); // expect-error: limit is an integer
  await api.GET('/products', { params: { query: { sort: 'cheapest' } } }); // expect-error: sort is an enum
  await api.GET('/orders/{id}', { params: { path: { id: 'one' } } }); // expect-error: id is an integer
  await api.POST('/cart/items', { body: { productId: 1 } }); // expect-error: quantity is required
  const page = await api.GET('/products');
  const name: number | undefined = page.data?.items[0]?.name; // expect-error: name is a string
  const refused = await api.POST('/orders', { body: { items: [{ productId: 1, quantity: 1 }] } });
  const conflict = refused.error as paths['/orders']['post']['responses']['409']['content']['application/json'];
  if (conflict.reason === 'out_of_stok') return undefined; // expect-error: no such reason
  return name;
}

// Deliberate type errors: compiled against the packed @commerce/client, each marked line
// must be rejected by the compiler, and no other.
import { createCommerceClient, isCommerceClientError } from '@commerce/client';

const client = createCommerceClient({ url: 'http://127.0.0.1:3000/trpc' });

export async function mistakes() {
  await client.products.byId.query({ id: 'one' }); // expect-error: id is a number
  await client.products.list.query({ sort: 'cheapest' }); // expect-error: unknown sort
  await client.products.list.query({ inStock: 'yes' }); // expect-error: inStock is a boolean
  const page = await client.products.list.query({});
  const name: number = page.items[0]!.name; // expect-error: name is a string
  await client.products.nonexistent.query(); // expect-error: no such procedure
  await client.orders.create.mutate({ items: [{ productId: 1 }] }); // expect-error: quantity is required
  const refused = await client.orders.create.mutate({ items: [{ productId: 1, quantity: 1 }] }).catch((e: unknown) => e);
  if (isCommerceClientError(refused) && refused.data?.reason === 'out_of_stok') return undefined; // expect-error: no such reason
  return name;
}

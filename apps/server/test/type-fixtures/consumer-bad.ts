// Deliberate type errors: each marked line must be rejected by the compiler.
import { createCommerceClient } from '@commerce/api/client';

const client = createCommerceClient({ url: 'http://127.0.0.1:3000/trpc' });

export async function mistakes() {
  await client.products.byId.query({ id: 'one' }); // expect-error: id is a number
  await client.products.list.query({ sort: 'cheapest' }); // expect-error: unknown sort
  const page = await client.products.list.query({});
  const name: number = page.items[0]!.name; // expect-error: name is a string
  await client.products.nonexistent.query(); // expect-error: no such procedure
  return name;
}

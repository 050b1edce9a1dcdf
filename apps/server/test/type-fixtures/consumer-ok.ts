// A TypeScript storefront using the typed client: this file must compile.
import { createCommerceClient, type CommerceClient } from '@commerce/api/client';
import type { RouterInputs, RouterOutputs } from '@commerce/api';

const client: CommerceClient = createCommerceClient({ url: 'http://127.0.0.1:3000/trpc', token: () => undefined });

export async function cheapestInStock(): Promise<number | undefined> {
  const query: RouterInputs['products']['list'] = { limit: 5, sort: 'price_asc', inStock: 'true' };
  const page = await client.products.list.query(query);
  const first: RouterOutputs['products']['list']['items'][number] | undefined = page.items[0];
  const cents: number | undefined = first?.priceCents;
  const product = await client.products.byId.query({ id: 1 });
  const currency: string = product.currency;
  return currency ? cents : undefined;
}

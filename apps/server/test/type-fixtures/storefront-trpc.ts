// A storefront on the typed tRPC client, compiled outside the workspace against the packed
// @commerce/client (see client.test.ts), then run against a live server.
import { createCommerceClient, isCommerceClientError, type RouterInputs, type RouterOutputs } from '@commerce/client';

type Product = RouterOutputs['products']['list']['items'][number];

export async function storefront({ url, email }: { url: string; email: string }) {
  const session: { token?: string } = {};
  let requests = 0;
  const client = createCommerceClient({
    url: `${url}/trpc`,
    token: () => session.token,
    fetch: (input, init) => {
      requests += 1;
      return fetch(input, init);
    },
  });

  session.token = (await client.auth.register.mutate({ email, password: 'correct horse battery' })).token;

  const query: RouterInputs['products']['list'] = { inStock: true, sort: 'price_asc', limit: 5 };
  const product: Product | undefined = (await client.products.list.query(query)).items[0];
  if (!product) throw new Error('nothing in stock');

  await client.cart.addItem.mutate({ productId: product.id, quantity: 2 });
  // Calls made together travel in one batched request.
  const before = requests;
  const [me, cart] = await Promise.all([client.auth.me.query(), client.cart.get.query({})]);
  const batched = requests - before;

  const order = await client.cart.checkout.mutate({ idempotencyKey: `checkout-${email}` });
  const payment = await client.orders.pay.mutate({ id: order.id });
  const placed = await client.orders.byId.query({ id: order.id });

  // More than is left: a 409 a storefront branches on by its reason, not its message.
  const conflict = await client.orders.create.mutate({ items: [{ productId: product.id, quantity: 1000 }] }).then(
    () => undefined,
    (error: unknown) => {
      if (isCommerceClientError(error) && error.data?.reason === 'out_of_stock') {
        return { status: error.data.httpStatus, reason: error.data.reason, productId: error.data.productId };
      }
      throw error;
    },
  );

  return {
    customer: me.email,
    cartLines: cart.items.length,
    batched,
    productId: product.id,
    orderId: placed.id,
    status: placed.status,
    totalCents: placed.totalCents,
    unitPriceCents: product.priceCents,
    provider: payment.provider,
    hasClientSecret: (payment.clientSecret ?? '').length > 0,
    conflict,
  };
}

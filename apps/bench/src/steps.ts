import type { Request } from 'autocannon';
import type { Step } from './load';
import type { Buyer } from './store';

/** Each connection signs in as a buyer of its own (round robin), so per-user work is spread as in a real shop. */
export function asBuyers(buyers: readonly Buyer[]) {
  let next = 0;
  return (request: Request, context: Record<string, unknown>): Request => {
    context.token ??= buyers[next++ % buyers.length]!.token;
    request.headers = { ...request.headers, authorization: `Bearer ${context.token as string}` };
    return request;
  };
}

export type AsBuyer = ReturnType<typeof asBuyers>;

export const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** POST /api/cart/items: one unit of a random one of `products`, as the connection's buyer. */
export const addToCart = (products: readonly number[], asBuyer: AsBuyer): Step => ({
  method: 'POST',
  path: '/api/cart/items',
  body: '{}',
  setup: (request, context) => {
    request.body = JSON.stringify({ productId: pick(products), quantity: 1 });
    return asBuyer(request, context);
  },
});

/** POST /api/orders: one unit of a random one of `products`, as the connection's buyer. */
export const placeOrder = (products: readonly number[], asBuyer: AsBuyer): Step => ({
  method: 'POST',
  path: '/api/orders',
  body: '{}',
  setup: (request, context) => {
    request.body = JSON.stringify({ items: [{ productId: pick(products), quantity: 1 }] });
    return asBuyer(request, context);
  },
});

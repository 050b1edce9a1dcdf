import { orders, users } from '@commerce/db';
import { eq } from 'drizzle-orm';
import { findProductsForPalette } from '../catalog/products';
import type { Deps } from '../deps';
import { findCustomers } from './customers';
import { findStaffOrders } from './orders';
import type { SearchEverythingInput, SearchResultsDto } from './schemas';

/** `#1042` or `1042`: an order number. */
const orderNumber = (q: string): number | undefined => {
  const match = /^#?(\d{1,10})$/.exec(q.trim());
  const id = match ? Number(match[1]) : NaN;
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
};

/**
 * The admin's ⌘K palette, in one request: products by name, description or exact SKU; orders
 * by number or by their customer's email or name; customers by email or name. Each part uses
 * the same search as its own list page, so the palette finds what the lists would.
 */
export async function searchEverything(deps: Deps, { q, limit }: SearchEverythingInput): Promise<SearchResultsDto> {
  const number = orderNumber(q);
  const page = { page: 1, limit };
  const [products, byCustomer, byNumber, customers] = await Promise.all([
    findProductsForPalette(deps, q, limit),
    number === undefined ? findStaffOrders(deps, { ...page, customer: q }) : undefined,
    number === undefined
      ? []
      : deps.db
          .select({ id: orders.id, status: orders.status, totalCents: orders.totalCents, currency: orders.currency, email: users.email })
          .from(orders)
          .innerJoin(users, eq(users.id, orders.userId))
          .where(eq(orders.id, number)),
    findCustomers(deps, { ...page, q }),
  ]);
  return {
    products,
    orders: byCustomer
      ? byCustomer.map(({ id, status, totalCents, currency, customer }) => ({ id, status, totalCents, currency, email: customer.email }))
      : byNumber,
    customers: customers.map(({ id, email, name, orderCount }) => ({ id, email, name, orderCount })),
  };
}

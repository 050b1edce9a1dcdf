/**
 * Who may call each procedure: the one table the authorization test checks against the real
 * router, cell by cell. A procedure added without an entry here fails that test, which names
 * the line to add.
 */
export const roles = ['anonymous', 'customer', 'staff', 'admin'] as const;
export type Role = (typeof roles)[number];

const everyone: readonly Role[] = roles;
const signedIn: readonly Role[] = ['customer', 'staff', 'admin'];
const staff: readonly Role[] = ['staff', 'admin'];
const admin: readonly Role[] = ['admin'];

/** The groups an entry may use, by name (the failure message offers them). */
export const groups = { everyone, signedIn, staff, admin } as const;

export const accessMatrix: Record<string, readonly Role[]> = {
  'auth.register': everyone,
  'auth.login': everyone,
  'auth.refresh': signedIn,
  'auth.logout': signedIn,
  'auth.me': signedIn,
  'auth.updateMe': signedIn,
  'auth.changePassword': signedIn,
  'auth.closeAccount': signedIn,

  'staffSession.login': everyone,

  'passwordReset.request': everyone,
  'passwordReset.confirm': everyone,

  'webhookEndpoints.list': admin,
  'webhookEndpoints.create': admin,
  'webhookEndpoints.update': admin,
  'webhookEndpoints.delete': admin,
  'webhookEndpoints.deliveries': admin,
  'webhookEndpoints.retry': admin,

  'reports.summary': staff,
  'reports.salesByDay': staff,
  'reports.orders': staff,
  'reports.orderContext': staff,
  'reports.search': staff,
  'customers.list': staff,
  'customers.byId': staff,
  'customers.addresses': staff,
  'live.events': staff,

  'users.list': admin,
  'audit.list': admin,
  'users.setRole': admin,

  'products.list': everyone,
  'products.byId': everyone,
  'products.create': staff,
  'products.update': staff,
  'products.delete': staff,
  'products.bulk': staff,
  'products.importCsv': staff,

  'productImages.delete': staff,

  'variants.create': staff,
  'variants.update': staff,
  'variants.archive': staff,
  'variants.setStock': staff,
  'variants.adjustStock': staff,

  'categories.list': everyone,
  'categories.create': staff,
  'categories.update': staff,
  'categories.delete': staff,

  'inventory.setStock': staff,
  'inventory.adjustStock': staff,
  'inventory.lowStock': staff,

  'cart.get': signedIn,
  'cart.addItem': signedIn,
  'cart.setItem': signedIn,
  'cart.removeItem': signedIn,
  'cart.clear': signedIn,
  'cart.setCoupon': signedIn,
  'cart.removeCoupon': signedIn,
  'cart.setDelivery': signedIn,
  'cart.checkout': signedIn,

  'orders.create': signedIn,
  'orders.mine': signedIn,
  'orders.list': staff,
  'orders.byId': signedIn,
  'orders.cancel': signedIn,
  'orders.setStatus': staff,
  'orders.pay': signedIn,

  'coupons.list': staff,
  'coupons.redemptions': staff,
  'coupons.create': staff,
  'coupons.update': staff,
  'coupons.delete': staff,
  'shippingMethods.list': everyone,
  'shippingMethods.create': staff,
  'shippingMethods.update': staff,
  'shippingMethods.delete': staff,
  'taxRates.list': staff,
  'taxRates.create': staff,
  'taxRates.update': staff,
  'taxRates.delete': staff,
  'addresses.list': signedIn,
  'addresses.create': signedIn,
  'addresses.update': signedIn,
  'addresses.delete': signedIn,

  'wishlist.get': signedIn,
  'wishlist.add': signedIn,
  'wishlist.remove': signedIn,

  'reviews.forProduct': everyone,
  'reviews.create': signedIn,
  'reviews.list': staff,
  'reviews.setStatus': staff,
  'reviews.update': signedIn,
  'reviews.delete': signedIn,
};

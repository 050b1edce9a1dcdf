import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { addressesRouter } from './routers/addresses';
import { auditRouter } from './routers/audit';
import { authRouter } from './routers/auth';
import { cartRouter } from './routers/cart';
import { categoriesRouter } from './routers/categories';
import { customersRouter } from './routers/customers';
import { productImagesRouter } from './routers/images';
import { inventoryRouter } from './routers/inventory';
import { liveRouter } from './routers/live';
import { ordersRouter } from './routers/orders';
import { passwordResetRouter } from './routers/password-reset';
import { couponsRouter, shippingMethodsRouter, taxRatesRouter } from './routers/pricing';
import { productsRouter } from './routers/products';
import { reportsRouter } from './routers/reports';
import { reviewsRouter } from './routers/reviews';
import { staffSessionRouter } from './routers/staff-session';
import { usersRouter } from './routers/users';
import { variantsRouter } from './routers/variants';
import { wishlistRouter } from './routers/wishlist';
import { webhookEndpointsRouter } from './routers/webhooks';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  passwordReset: passwordResetRouter,
  users: usersRouter,
  products: productsRouter,
  productImages: productImagesRouter,
  variants: variantsRouter,
  categories: categoriesRouter,
  inventory: inventoryRouter,
  cart: cartRouter,
  orders: ordersRouter,
  coupons: couponsRouter,
  shippingMethods: shippingMethodsRouter,
  taxRates: taxRatesRouter,
  addresses: addressesRouter,
  wishlist: wishlistRouter,
  reviews: reviewsRouter,
  reports: reportsRouter,
  customers: customersRouter,
  staffSession: staffSessionRouter,
  webhookEndpoints: webhookEndpointsRouter,
  live: liveRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);

import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { productsRouter } from './routers/products';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  products: productsRouter,
});

export type AppRouter = typeof appRouter;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export const createCaller = createCallerFactory(appRouter);

import { AppError } from '@commerce/core';
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import type { Context } from './context';
import { toTRPCError } from './errors';

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    isDev: process.env.NODE_ENV !== 'production',
    errorFormatter({ shape, error }) {
      // A 500 is a bug: its message could carry SQL or internals, so callers get a fixed text.
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      return {
        ...shape,
        message: internal ? 'Internal server error' : shape.message,
        data: { ...shape.data, field: error.cause instanceof AppError ? error.cause.details.field : undefined },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

const mapAppErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) throw toTRPCError(result.error.cause);
  return result;
});

export const publicProcedure = t.procedure.use(mapAppErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer || !ctx.session) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: the token is missing, expired or revoked' });
  }
  return next({ ctx: { ...ctx, viewer: ctx.viewer, session: ctx.session } });
});

export const staffProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.role !== 'staff' && ctx.viewer.role !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'Staff or admin role required' });
  }
  return next();
});

export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.viewer.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Admin role required' });
  return next();
});

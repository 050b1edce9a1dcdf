import { actorFor, takeRequest, type RuleCode } from '@commerce/core';
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { originAllowed, type Context } from './context';
import { callerError, errorFacts } from './errors';

/**
 * Route metadata: trpc-to-openapi's, plus the business rules (`reason`s) a procedure can answer
 * with, which the OpenAPI document lists per operation as an enum.
 */
export type RouteMeta = OpenApiMeta & {
  reasons?: readonly RuleCode[];
  /**
   * A DELETE that takes a JSON body (DELETE /auth/me `{ password }`): the patched
   * trpc-to-openapi (packages/api/patches) reads and documents its body as for POST.
   */
  bodyOnDelete?: true;
  /** The REST status of a success when it is not 200 (202: accepted, the work happens later). */
  successStatus?: 202;
};

const t = initTRPC
  .context<Context>()
  .meta<RouteMeta>()
  .create({
    isDev: process.env.NODE_ENV !== 'production',
    errorFormatter({ shape, error }) {
      // A 500 is a bug: its message could carry SQL or internals, so callers get a fixed text.
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      // Stack traces belong in the logs, never in a response, whatever NODE_ENV says.
      const { stack: _stack, ...data } = shape.data;
      const { reason, ...facts } = errorFacts(error.cause);
      return {
        ...shape,
        message: internal ? 'Internal server error' : shape.message,
        // Top level for REST bodies (trpc-to-openapi spreads the shape), in `data` for tRPC clients.
        reason,
        data: { ...data, ...facts, reason },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * What every procedure goes through, in one middleware (each level of tRPC's chain copies the
 * call's options twice: one level instead of three):
 * - CSRF: a browser attaches the session cookie to requests from any site, so a mutation that
 *   the cookie authenticates must come from an allowed origin. Bearer tokens are never sent by
 *   the browser on its own, and a cookie that names no live session authorises nothing.
 * - Every call by a signed-in user counts against their own limit, over REST and tRPC alike (the
 *   server counts every request per client address before routing, so anonymous calls are covered).
 * - Domain errors from core become the tRPC errors callers see (`callerError`).
 */
const guardCall = t.middleware(async ({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.session?.via === 'cookie' && ctx.viewer && !originAllowed(ctx.req)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Cross-site request refused: a cookie-authenticated change needs an allowed Origin header',
    });
  }
  let result: Awaited<ReturnType<typeof next>>;
  try {
    if (!ctx.viewer) result = await next();
    else if (type !== 'query') {
      await takeRequest(ctx.deps, 'user', ctx.viewer.userId);
      result = await next();
    } else {
      // A query changes nothing, so it runs while its request is counted instead of after: one
      // round trip less before every signed-in read. Over the limit, the answer is still only the 429.
      [result] = await Promise.all([next(), takeRequest(ctx.deps, 'user', ctx.viewer.userId)]);
    }
  } catch (error) {
    throw callerError(error) ?? error;
  }
  const mapped = result.ok ? undefined : callerError(result.error.cause);
  if (mapped) throw mapped;
  return result;
});

export const publicProcedure = t.procedure.use(guardCall);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.viewer || !ctx.session) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: the token is missing, expired or revoked' });
  }
  return next({ ctx: { ...ctx, viewer: ctx.viewer, session: ctx.session, actor: actorFor(ctx.viewer) } });
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

/** Changing the password or closing the account: a few tries per user, so a stolen token cannot guess the password. */
export const passwordProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await takeRequest(ctx.deps, 'password', ctx.viewer.userId);
  return next();
});

/** Writing a review (create, edit, delete): its own limit per user. */
export const reviewWritingProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await takeRequest(ctx.deps, 'reviews', ctx.viewer.userId);
  return next();
});

/** Placing an order (POST /orders, checkout) takes stock: its own, tighter limit per user. */
export const orderingProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await takeRequest(ctx.deps, 'orders', ctx.viewer.userId);
  return next();
});

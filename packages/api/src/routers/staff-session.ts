import { loginInput, staffLogin, userOutput } from '@commerce/core';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { originAllowed, setSessionCookie } from '../context';
import { publicProcedure, router } from '../trpc';

/**
 * The admin app's sign-in (tRPC only). Staff and admins get the HttpOnly session cookie and
 * never see the token; a customer is refused (403) before any session exists. Sign-out is
 * `auth.logout`.
 */
export const staffSessionRouter = router({
  login: publicProcedure
    .input(loginInput)
    .output(z.object({ user: userOutput, expiresAt: z.string() }))
    .mutation(async ({ ctx, input }) => {
      // The cookie is the only thing this answers with, so a page elsewhere gets nothing to use.
      if (!originAllowed(ctx.req)) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Sign in from the admin app (an allowed Origin is required)' });
      }
      const { user, token, expiresAt } = await staffLogin(ctx.deps, input, { ip: ctx.req.ip });
      setSessionCookie(ctx.req, token, expiresAt);
      return { user, expiresAt };
    }),
});

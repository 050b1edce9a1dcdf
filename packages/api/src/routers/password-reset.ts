import { confirmPasswordReset, passwordResetConfirmInput, passwordResetInput, requestPasswordReset, successOutput } from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { publicProcedure, router } from '../trpc';

/** POST /auth/password-reset and …/confirm: anyone, no session. */
export const passwordResetRouter = router({
  request: publicProcedure
    .meta({
      successStatus: 202,
      openapi: {
        method: 'POST',
        path: '/auth/password-reset',
        tags: ['auth'],
        protect: false,
        summary: 'Email a password reset link',
        description:
          'Answers 202 whether or not an account has this email, after the same work either way, so neither the answer nor its timing tells. The account’s owner is emailed a link with a random token, valid once for 1 hour. Limited per IP address and per email (429 with Retry-After).',
        successDescription: 'Accepted: if an account has this email, a link is on its way',
        errorResponses: errorResponses(
          { access: 'public', mutation: true, body: true },
          { 429: 'Too many reset requests from this IP address or for this email (Retry-After says when to try again)' },
        ),
      },
    })
    .input(passwordResetInput)
    .output(z.object({ accepted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx.deps, input, { ip: ctx.req.ip });
      return { accepted: true as const };
    }),

  confirm: publicProcedure
    .meta({
      reasons: ['RESET_TOKEN_INVALID'],
      openapi: {
        method: 'POST',
        path: '/auth/password-reset/confirm',
        tags: ['auth'],
        protect: false,
        summary: 'Set a new password with an emailed token',
        description:
          'The token works once, within an hour of the request. Every session of the user is revoked, so sign in again with the new password. An unknown, used or expired token is a 400 with reason `reset_token_invalid`.',
        errorResponses: errorResponses(
          { access: 'public', mutation: true, body: true },
          { 400: 'The token is unknown, used or expired (reason `reset_token_invalid`, `data.field` is `token`)' },
        ),
      },
    })
    .input(passwordResetConfirmInput)
    .output(successOutput)
    .mutation(({ ctx, input }) => confirmPasswordReset(ctx.deps, input)),
});

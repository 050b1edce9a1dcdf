import {
  authOutput,
  changePassword,
  changePasswordInput,
  closeAccount,
  closeAccountInput,
  getMe,
  login,
  loginInput,
  logout,
  refreshSession,
  register,
  registerInput,
  successOutput,
  tokenOutput,
  updateProfile,
  updateProfileInput,
  userOutput,
  type AuthDto,
} from '@commerce/core';
import { originAllowed, SESSION_COOKIE, setSessionCookie, type Context } from '../context';
import { errorResponses } from '../errors';
import { authedProcedure, passwordProcedure, publicProcedure, router } from '../trpc';

/**
 * register and login always answer the token in the body (bearer clients) and also set the
 * HttpOnly session cookie (the admin app), except for a browser page on a foreign origin:
 * a cross-site form must not be able to sign a browser in to an account of its choosing.
 */
function withSessionCookie(ctx: Context, result: AuthDto): AuthDto {
  if (!ctx.req.header('origin') || originAllowed(ctx.req)) setSessionCookie(ctx.req, result.token, result.expiresAt);
  return result;
}

export const authRouter = router({
  register: publicProcedure
    .meta({
      reasons: ['EMAIL_TAKEN'],
      openapi: {
        method: 'POST',
        path: '/auth/register',
        tags: ['auth'],
        protect: false,
        summary: 'Create a customer account',
        description:
          'Always creates a `customer`. Emails are trimmed and case-insensitive (409 when taken); passwords are 8 to 128 characters. Limited per IP address (429 with Retry-After).',
        errorResponses: errorResponses(
          { access: 'public', mutation: true, body: true },
          {
            409: 'An account with this email already exists (`data.field` is `email`)',
            429: 'Too many registrations from this IP address (Retry-After says when to try again)',
          },
        ),
      },
    })
    .input(registerInput)
    .output(authOutput)
    .mutation(async ({ ctx, input }) => withSessionCookie(ctx, await register(ctx.deps, input, { ip: ctx.req.ip }))),

  login: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/login',
        tags: ['auth'],
        protect: false,
        summary: 'Sign in with email and password',
        description:
          'Wrong credentials are a 401 with one generic message. Failed attempts are limited per email and IP address, and per IP address (429 with Retry-After).',
        errorResponses: errorResponses(
          { access: 'public', mutation: true, body: true },
          {
            401: 'Invalid email or password (one message for either)',
            429: 'Too many failed sign-ins for this email and IP address, or this IP address (Retry-After says when to try again)',
          },
        ),
      },
    })
    .input(loginInput)
    .output(authOutput)
    .mutation(async ({ ctx, input }) => withSessionCookie(ctx, await login(ctx.deps, input, { ip: ctx.req.ip }))),

  refresh: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/refresh',
        tags: ['auth'],
        summary: 'Swap the session token for a new one',
        description: 'The presented token stops working at once.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true },
          { 401: 'including a token a concurrent refresh or logout already used up' },
        ),
      },
    })
    .output(tokenOutput)
    .mutation(async ({ ctx }) => {
      const result = await refreshSession(ctx.deps, ctx.session.token);
      if (ctx.session.via === 'cookie') setSessionCookie(ctx.req, result.token, result.expiresAt);
      return result;
    }),

  logout: authedProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/logout',
        tags: ['auth'],
        summary: 'Revoke the session token',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true }),
      },
    })
    .output(successOutput)
    .mutation(async ({ ctx }) => {
      const result = await logout(ctx.deps, ctx.session.token);
      if (ctx.session.via === 'cookie') ctx.req.clearCookie(SESSION_COOKIE);
      return result;
    }),

  me: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/auth/me',
        tags: ['auth'],
        summary: 'The signed-in user',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn' }),
      },
    })
    .output(userOutput)
    .query(({ ctx }) => getMe(ctx.deps, ctx.viewer)),

  updateMe: authedProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/auth/me',
        tags: ['auth'],
        summary: 'Change my name',
        description: 'Up to 100 characters; blank or null clears it.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, body: true }),
      },
    })
    .input(updateProfileInput)
    .output(userOutput)
    .mutation(({ ctx, input }) => updateProfile(ctx.deps, ctx.viewer, input)),

  changePassword: passwordProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/password',
        tags: ['auth'],
        summary: 'Change my password',
        description:
          'Needs the current password (401 when wrong). The new one follows the registration rules (8 to 128 characters). Every other session of the user is revoked at once, on every server process; the one that made the request stays signed in. Limited per user (RATE_LIMIT_PASSWORD_CHANGES_PER_USER per 15 minutes, right or wrong).',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          { 401: 'the current password is wrong', 429: 'too many password changes by this user (Retry-After says when to try again)' },
        ),
      },
    })
    .input(changePasswordInput)
    .output(successOutput)
    .mutation(({ ctx, input }) => changePassword(ctx.deps, ctx.viewer, input, { token: ctx.session.token })),

  closeAccount: passwordProcedure
    .meta({
      reasons: ['LAST_ADMIN'],
      bodyOnDelete: true,
      openapi: {
        method: 'DELETE',
        path: '/auth/me',
        tags: ['auth'],
        summary: 'Close my account',
        description:
          'Needs the password in a JSON body (401 when wrong). In one transaction: every session is revoked; name and email are erased (the email can be registered again); addresses, wishlist and cart are deleted; orders are kept without their shipping address, reviews without the author\'s name. The last admin cannot close their account (409). Limited with password changes.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          {
            401: 'the password is wrong',
            409: 'The account is the last admin: make another user admin first',
            429: 'too many attempts by this user (Retry-After says when to try again)',
          },
        ),
      },
    })
    .input(closeAccountInput)
    .output(successOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await closeAccount(ctx.deps, ctx.viewer, input);
      if (ctx.session.via === 'cookie') ctx.req.clearCookie(SESSION_COOKIE);
      return result;
    }),
});

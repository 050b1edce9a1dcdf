import { createHash } from 'node:crypto';
import { sessionCacheKey } from '@commerce/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieHeader,
  PASSWORD,
  sessionExpiry,
  sessionSetCookie,
  setSessionExpiry,
  trpcQuery,
  uniqueEmail,
} from './auth-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

const ADMIN_ORIGIN = 'http://admin.example.test';
let server: TestServer;

beforeAll(async () => {
  // Generous limits: this file is about the endpoints; auth-rate-limit.test.ts is about the limits.
  server = await startTestServer({
    CORS_ORIGINS: `${ADMIN_ORIGIN},http://localhost:3001`,
    RATE_LIMIT_REGISTER_PER_IP: '10000',
    RATE_LIMIT_LOGIN_PER_IP: '10000',
  });
});
afterAll(() => server.close());

async function register(email = uniqueEmail(), extra: Record<string, unknown> = {}) {
  const res = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD, ...extra } });
  expect(res.status).toBe(200);
  return res.body as {
    user: { id: number; email: string; name: string | null; role: string };
    token: string;
    expiresAt: string;
  };
}

const me = (token?: string, headers?: Record<string, string>) =>
  server.request('GET', '/api/auth/me', { token, ...(headers ? { headers } : {}) });

describe('POST /api/auth/register', () => {
  it('creates a customer, returns { user, token, expiresAt } and never the hash', async () => {
    const email = uniqueEmail();
    const res = await server.request('POST', '/api/auth/register', {
      body: { email, password: PASSWORD, name: '  Ada Lovelace ', role: 'admin', passwordHash: 'x' },
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'token', 'user']);
    expect(Object.keys(res.body.user).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(res.body.user).toMatchObject({ email, name: 'Ada Lovelace', role: 'customer' });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
    expect(res.body.token).toMatch(/^[a-z0-9]{40}$/);
    const days = (Date.parse(res.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    expect(new Date(res.body.user.createdAt).toISOString()).toBe(res.body.user.createdAt);

    const who = await me(res.body.token);
    expect(who.status).toBe(200);
    expect(who.body).toEqual(res.body.user);
  });

  it('stores the email trimmed and lower-cased, and a blank name as null', async () => {
    const email = uniqueEmail();
    const body = await register(`  ${email.toUpperCase()}  `, { name: '   ' });
    expect(body.user.email).toBe(email);
    expect(body.user.name).toBeNull();
  });

  it.each([
    ['a bad email', { email: 'not-an-email', password: PASSWORD }],
    ['a missing email', { password: PASSWORD }],
    ['a short password', { email: 'short@example.test', password: '1234567' }],
    ['a long password', { email: 'long@example.test', password: 'x'.repeat(129) }],
    ['a missing password', { email: 'nopass@example.test' }],
    ['a non-string password', { email: 'num@example.test', password: 12345678 }],
    // It would hash as U+FFFD, so "pass\udfffword1" would sign in too.
    ['a password with a lone surrogate', { email: 'surrogate@example.test', password: 'pass\ud800word1' }],
    ['a name with a NUL', { email: 'nul@example.test', password: PASSWORD, name: 'a\u0000b' }],
    ['an over-long name', { email: 'name@example.test', password: PASSWORD, name: 'n'.repeat(101) }],
    ['an empty body', {}],
  ])('is 400 for %s', async (_label, body) => {
    const res = await server.request('POST', '/api/auth/register', { body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('BAD_REQUEST');
  });

  it('accepts exactly 8 and exactly 128 characters', async () => {
    await register(uniqueEmail(), { password: '12345678' });
    await register(uniqueEmail(), { password: 'y'.repeat(128) });
  });

  it('is 400 for no body at all and for malformed JSON', async () => {
    expect((await server.request('POST', '/api/auth/register')).status).toBe(400);
    const res = await server.request('POST', '/api/auth/register', { rawBody: '{"email": "a@b.c",' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/malformed json/i);
  });

  it('is 409 for the same email in another case and with spaces', async () => {
    const email = uniqueEmail();
    await register(email);
    const res = await server.request('POST', '/api/auth/register', {
      body: { email: `  ${email.toUpperCase()} `, password: PASSWORD },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(res.body.reason).toBe('email_taken');
    expect(res.body.message).toMatch(/already exists/);
  });

  it('lets exactly one of 10 concurrent registrations of one email succeed; the rest are 409, never 500', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        server.request('POST', '/api/auth/register', {
          body: { email: i % 2 ? email.toUpperCase() : ` ${email}`, password: PASSWORD },
        }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array<number>(9).fill(409)]);
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with the email in any case and spacing, and returns a new working token', async () => {
    const email = uniqueEmail();
    const registered = await register(email);
    const res = await server.request('POST', '/api/auth/login', {
      body: { email: ` ${email.toUpperCase()} `, password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(registered.user);
    expect(res.body.token).not.toBe(registered.token);
    expect((await me(res.body.token)).status).toBe(200);
    // the registration's session is still valid: each login is its own session
    expect((await me(registered.token)).status).toBe(200);
  });

  it('answers 401 with one generic message for a wrong password and for an unknown email', async () => {
    const email = uniqueEmail();
    await register(email);
    const wrong = await server.request('POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
    const unknown = await server.request('POST', '/api/auth/login', {
      body: { email: uniqueEmail('nobody'), password: PASSWORD },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.body.message).toBe('Invalid email or password');
  });

  it('refuses a user made without a password hash (401, not 500)', async () => {
    const { email } = await createUserWithToken(server.runtime, 'customer');
    const res = await server.request('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
    expect(res.status).toBe(401);
  });

  it.each([
    ['a bad email', { email: 'nope', password: PASSWORD }],
    ['a short password', { email: 'a@example.test', password: 'short' }],
    ['a long password', { email: 'a@example.test', password: 'x'.repeat(129) }],
    ['an empty body', {}],
  ])('is 400 for %s', async (_label, body) => {
    expect((await server.request('POST', '/api/auth/login', { body })).status).toBe(400);
  });

  it('is 400 for malformed JSON', async () => {
    expect((await server.request('POST', '/api/auth/login', { rawBody: 'email=a' })).status).toBe(400);
  });
});

describe('GET /api/auth/me and 401s', () => {
  it('is 401 with no token, a garbage token, an unknown token or a malformed header', async () => {
    for (const res of [
      await me(),
      await me('garbage'),
      await me('a'.repeat(40)),
      await me(undefined, { authorization: 'Basic dXNlcjpwYXNz' }),
      await me(undefined, { authorization: 'Bearer' }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    }
  });

  it('is 401 for an expired token', async () => {
    const { token } = await register();
    await setSessionExpiry(server.runtime, token, new Date(Date.now() - 1000));
    expect((await me(token)).status).toBe(401);
    // lucia deletes an expired session once it has seen it
    expect(await sessionExpiry(server.runtime, token)).toBeUndefined();
  });

  it('slides the expiry of a session past half its life, and the cache keeps the new expiry', async () => {
    const { token } = await register();
    const soon = new Date(Date.now() + 2 * 86_400_000);
    await setSessionExpiry(server.runtime, token, soon);
    expect((await me(token)).status).toBe(200);
    const slid = await sessionExpiry(server.runtime, token);
    expect(slid!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const cached = JSON.parse((await server.runtime.deps.cache.get(sessionCacheKey(token)))!);
    expect(cached.expiresAt).toBe(slid!.getTime());
  });

  it('re-sets the cookie when a cookie session slides', async () => {
    const { token } = await register();
    await setSessionExpiry(server.runtime, token, new Date(Date.now() + 86_400_000));
    const res = await me(undefined, cookieHeader(token));
    expect(res.status).toBe(200);
    const cookie = sessionSetCookie(res);
    expect(cookie).toBeDefined();
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie!)![1]!);
    expect(expires).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  });
});

describe('POST /api/auth/refresh', () => {
  it('issues a new token and the old one stops working at once, even after it was cached', async () => {
    const { token } = await register();
    expect((await me(token)).status).toBe(200); // now cached
    const res = await server.request('POST', '/api/auth/refresh', { token });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'token']);
    expect(res.body.token).not.toBe(token);
    expect((await me(token)).status).toBe(401);
    expect((await me(res.body.token)).status).toBe(200);
    // a refreshed-away token cannot refresh again
    expect((await server.request('POST', '/api/auth/refresh', { token })).status).toBe(401);
  });

  it('lets only one of many concurrent refreshes of one token win', async () => {
    for (let round = 0; round < 3; round++) {
      const { token } = await register();
      expect((await me(token)).status).toBe(200); // cached, as a busy client's token would be
      const results = await Promise.all(
        Array.from({ length: 30 }, () => server.request('POST', '/api/auth/refresh', { token })),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok, `round ${round}`).toHaveLength(1);
      expect(results.filter((r) => r.status === 401)).toHaveLength(29);
      expect((await me(ok[0]!.body.token)).status).toBe(200);
      expect((await me(token)).status).toBe(401);
    }
  });

  it('is 401 without a token', async () => {
    expect((await server.request('POST', '/api/auth/refresh')).status).toBe(401);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the token at once, and a second logout is 401', async () => {
    const { token } = await register();
    expect((await me(token)).status).toBe(200); // now cached
    const res = await server.request('POST', '/api/auth/logout', { token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect((await me(token)).status).toBe(401);
    expect((await server.request('POST', '/api/auth/logout', { token })).status).toBe(401);
    expect((await server.request('POST', '/api/auth/refresh', { token })).status).toBe(401);
  });

  it('accepts an empty JSON body and a body with content-type but nothing in it', async () => {
    const { token } = await register();
    const res = await server.request('POST', '/api/auth/logout', { token, rawBody: '' });
    expect(res.status).toBe(200);
  });
});

describe('cookie sessions (admin app)', () => {
  it('login sets an HttpOnly SameSite=Lax cookie (not Secure outside production) that authenticates reads', async () => {
    const email = uniqueEmail();
    await register(email);
    const res = await server.request('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
    const cookie = sessionSetCookie(res);
    expect(cookie).toBeDefined();
    expect(cookie).toContain(`=${res.body.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const who = await me(undefined, cookieHeader(res.body.token));
    expect(who.status).toBe(200);
    expect(who.body.email).toBe(email);
  });

  it('sets no cookie for a login from a browser page on a foreign origin', async () => {
    const email = uniqueEmail();
    await register(email);
    const res = await server.request('POST', '/api/auth/login', {
      body: { email, password: PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(200);
    expect(sessionSetCookie(res)).toBeUndefined();
    const allowed = await server.request('POST', '/api/auth/login', {
      body: { email, password: PASSWORD },
      headers: { origin: ADMIN_ORIGIN },
    });
    expect(sessionSetCookie(allowed)).toBeDefined();
  });

  it('refuses a cookie-authenticated mutation without an allowed Origin (403), over REST and tRPC', async () => {
    const { token } = await register();
    const cookie = cookieHeader(token);
    for (const headers of [cookie, { ...cookie, origin: 'https://evil.example' }, { ...cookie, origin: 'null' }]) {
      const rest = await server.request('POST', '/api/auth/refresh', { headers });
      expect(rest.status).toBe(403);
      expect(rest.body.code).toBe('FORBIDDEN');
      const trpc = await server.request('POST', '/trpc/auth.logout', { headers, rawBody: '' });
      expect(trpc.status).toBe(403);
    }
    // nothing happened: the session still works
    expect((await me(token)).status).toBe(200);
  });

  it('accepts a cookie-authenticated mutation from an allowed Origin, and rotates the cookie', async () => {
    const { token } = await register();
    const res = await server.request('POST', '/api/auth/refresh', {
      headers: { ...cookieHeader(token), origin: ADMIN_ORIGIN },
    });
    expect(res.status).toBe(200);
    expect(sessionSetCookie(res)).toContain(`=${res.body.token}`);
    expect((await me(undefined, cookieHeader(token))).status).toBe(401);
    expect((await me(undefined, cookieHeader(res.body.token))).status).toBe(200);

    const out = await server.request('POST', '/api/auth/logout', {
      headers: { ...cookieHeader(res.body.token), origin: 'http://localhost:3001' },
    });
    expect(out.status).toBe(200);
    expect(sessionSetCookie(out)).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await me(undefined, cookieHeader(res.body.token))).status).toBe(401);
  });

  it('checks Origin on other domains too: an admin changing a role by cookie', async () => {
    const admin = await createUserWithToken(server.runtime, 'admin');
    const target = await register();
    const path = `/api/users/${target.user.id}/role`;
    const noOrigin = await server.request('PUT', path, { headers: cookieHeader(admin.token), body: { role: 'staff' } });
    expect(noOrigin.status).toBe(403);
    const ok = await server.request('PUT', path, {
      headers: { ...cookieHeader(admin.token), origin: ADMIN_ORIGIN },
      body: { role: 'staff' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe('staff');
  });

  it('needs no Origin for bearer-token mutations, whatever Origin is sent', async () => {
    const { token } = await register();
    const res = await server.request('POST', '/api/auth/refresh', { token });
    expect(res.status).toBe(200);
    const foreign = await server.request('POST', '/api/auth/refresh', {
      token: res.body.token,
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(200);
  });

  it('prefers the bearer token when both are sent', async () => {
    const a = await register();
    const b = await register();
    const res = await me(b.token, cookieHeader(a.token));
    expect(res.body.id).toBe(b.user.id);
  });

  it('a cookie naming no live session authorises nothing but does not block public mutations', async () => {
    const email = uniqueEmail();
    await register(email);
    const dead = cookieHeader('b'.repeat(40));
    const res = await server.request('POST', '/api/auth/login', {
      headers: dead,
      body: { email, password: PASSWORD },
    });
    expect(res.status).toBe(200);
    // it authorises nothing: the cookie alone is not signed in
    const who = await me(undefined, dead);
    expect(who.status).toBe(401);
    expect(who.body.code).toBe('UNAUTHORIZED');
    expect((await me(undefined, { ...dead, origin: ADMIN_ORIGIN })).status).toBe(401);
  });

  it('marks the cookie Secure in production', async () => {
    const production = await startTestServer({ NODE_ENV: 'production' });
    try {
      const res = await production.request('POST', '/api/auth/register', {
        body: { email: uniqueEmail(), password: PASSWORD },
      });
      expect(res.status).toBe(200);
      expect(sessionSetCookie(res)).toMatch(/; Secure/);
    } finally {
      await production.close();
    }
  });
});

describe('tRPC', () => {
  it('serves register, login, me, refresh and logout', async () => {
    const email = uniqueEmail();
    const reg = await server.request('POST', '/trpc/auth.register', { body: { email, password: PASSWORD } });
    expect(reg.status).toBe(200);
    expect(reg.body.result.data.user.role).toBe('customer');

    const login = await server.request('POST', '/trpc/auth.login', { body: { email, password: PASSWORD } });
    const { token } = login.body.result.data;
    const who = await server.request('GET', trpcQuery('auth.me'), { token });
    expect(who.body.result.data.email).toBe(email);

    const refreshed = await server.request('POST', '/trpc/auth.refresh', { token, rawBody: '' });
    const next = refreshed.body.result.data.token as string;
    expect((await server.request('GET', trpcQuery('auth.me'), { token })).status).toBe(401);

    const out = await server.request('POST', '/trpc/auth.logout', { token: next, rawBody: '' });
    expect(out.body.result.data).toEqual({ success: true });
    expect((await server.request('GET', trpcQuery('auth.me'), { token: next })).status).toBe(401);
  });

  it('maps errors to the same statuses: 400, 401 and 409', async () => {
    const email = uniqueEmail();
    await register(email);
    const bad = await server.request('POST', '/trpc/auth.register', { body: { email: 'x', password: PASSWORD } });
    expect(bad.status).toBe(400);
    const taken = await server.request('POST', '/trpc/auth.register', { body: { email: email.toUpperCase(), password: PASSWORD } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.data.code).toBe('CONFLICT');
    expect(taken.body.error.data.reason).toBe('email_taken');
    const wrong = await server.request('POST', '/trpc/auth.login', { body: { email, password: 'wrong password' } });
    expect(wrong.status).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('documents every auth and users route, with bearer auth on the signed-in ones', async () => {
    const doc = (await server.request('GET', '/openapi.json')).body;
    for (const [path, method] of [
      ['/auth/register', 'post'],
      ['/auth/login', 'post'],
      ['/auth/refresh', 'post'],
      ['/auth/logout', 'post'],
      ['/auth/me', 'get'],
      ['/users', 'get'],
      ['/users/{id}/role', 'put'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/auth/me'].get.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/auth/login'].post.security).toEqual([]);
  });
});

describe('tokens at rest', () => {
  it('keeps only a hash of each token in the database and the cache', async () => {
    const { token } = await register();
    expect((await me(token)).status).toBe(200);
    const { sessions } = await import('@commerce/db');
    const ids = (await server.runtime.deps.db.select({ id: sessions.id }).from(sessions)).map((row) => row.id);
    expect(ids).not.toContain(token);
    expect(ids).toContain(createHash('sha256').update(token).digest('hex'));
    // A stolen row id is not a token.
    expect((await me(ids.find((id) => id.length === 64))).status).toBe(401);
    expect(sessionCacheKey(token)).not.toContain(token);
  });
});

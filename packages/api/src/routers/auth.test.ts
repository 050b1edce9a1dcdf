import { resolveViewer, type Deps } from '@commerce/core';
import { createTestDeps } from '@commerce/core/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, SESSION_COOKIE, type RequestInfo } from '../context';
import { errorHeaders } from '../errors';
import { createCaller } from '../root';

const ADMIN_ORIGIN = 'http://admin.example.test';
const PASSWORD = 'a fine password';

let deps: Deps;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ deps, close } = await createTestDeps({
    settings: { rateLimits: { loginPerEmailIp: 2, loginPerIp: 100, registerPerIp: 100 } },
    poolMax: 3,
  }));
});
afterAll(() => close());

/** A request as the HTTP adapter would describe it, recording the cookies a procedure sets. */
function fakeRequest(headers: Record<string, string> = {}, cookies: Record<string, string> = {}) {
  const jar = { set: new Map<string, string>(), cleared: [] as string[] };
  const req: RequestInfo = {
    ip: '192.0.2.10',
    allowedOrigins: [ADMIN_ORIGIN],
    header: (name) => headers[name.toLowerCase()],
    cookie: (name) => cookies[name],
    setHeader: () => {},
    setCookie: (name, value) => void jar.set.set(name, value),
    clearCookie: (name) => void jar.cleared.push(name),
  };
  return { req, jar };
}

async function callerFor(headers: Record<string, string> = {}, cookies: Record<string, string> = {}) {
  const { req, jar } = fakeRequest(headers, cookies);
  return { caller: createCaller(await createContext(deps, req, resolveViewer)), jar };
}

let emailCounter = 0;
const newEmail = () => `caller-${++emailCounter}@example.test`;

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('auth router through createCaller', () => {
  it('registers, sets the session cookie, and resolves the token as the new customer', async () => {
    const { caller, jar } = await callerFor();
    const result = await caller.auth.register({ email: newEmail(), password: PASSWORD });
    expect(result.user.role).toBe('customer');
    expect(jar.set.get(SESSION_COOKIE)).toBe(result.token);
    const signedIn = await callerFor({ authorization: `Bearer ${result.token}` });
    expect(await signedIn.caller.auth.me()).toEqual(result.user);
  });

  it('sets no cookie for a page on a foreign origin', async () => {
    const email = newEmail();
    await (await callerFor()).caller.auth.register({ email, password: PASSWORD });
    const { caller, jar } = await callerFor({ origin: 'https://evil.example' });
    await caller.auth.login({ email, password: PASSWORD });
    expect(jar.set.size).toBe(0);
  });

  it('refuses a cookie-authenticated mutation without an allowed Origin, and clears the cookie on logout', async () => {
    const { token } = await (await callerFor()).caller.auth.register({ email: newEmail(), password: PASSWORD });
    const cookie = { [SESSION_COOKIE]: token };
    const noOrigin = await callerFor({}, cookie);
    expect((await rejection(noOrigin.caller.auth.logout())).code).toBe('FORBIDDEN');
    // queries need no Origin
    expect((await noOrigin.caller.auth.me()).id).toBeGreaterThan(0);
    const allowed = await callerFor({ origin: ADMIN_ORIGIN }, cookie);
    expect(await allowed.caller.auth.logout()).toEqual({ success: true });
    expect(allowed.jar.cleared).toEqual([SESSION_COOKIE]);
  });

  it('maps core errors: 409 for a taken email, 429 with Retry-After for too many failures', async () => {
    const email = newEmail();
    const { caller } = await callerFor();
    await caller.auth.register({ email, password: PASSWORD });
    expect((await rejection(caller.auth.register({ email: email.toUpperCase(), password: PASSWORD }))).code).toBe(
      'CONFLICT',
    );
    for (let i = 0; i < 2; i++) {
      expect((await rejection(caller.auth.login({ email, password: 'wrong password' }))).code).toBe('UNAUTHORIZED');
    }
    const limited = await rejection(caller.auth.login({ email, password: PASSWORD }));
    expect(limited.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(errorHeaders([limited])['Retry-After'])).toBeGreaterThan(0);
  });

  it('keeps users routes to admins', async () => {
    const { token } = await (await callerFor()).caller.auth.register({ email: newEmail(), password: PASSWORD });
    const customer = await callerFor({ authorization: `Bearer ${token}` });
    expect((await rejection(customer.caller.users.list({}))).code).toBe('FORBIDDEN');
    const anonymous = await callerFor();
    expect((await rejection(anonymous.caller.users.list({}))).code).toBe('UNAUTHORIZED');
  });
});

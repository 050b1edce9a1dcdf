import { ensureAdmin, issueSession, register, resolveViewer, revokeUserSessions, setUserRole, transaction, type Deps } from '@commerce/core';
import { createTestDeps } from '@commerce/core/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, SESSION_COOKIE, type RequestInfo } from '../context';
import { createCaller } from '../root';

const ADMIN_ORIGIN = 'http://admin.example.test';
const PASSWORD = 'a fine password';

let deps: Deps;
let close: () => Promise<void>;
let customerId: number;

beforeAll(async () => {
  ({ deps, close } = await createTestDeps({ poolMax: 3 }));
  const meta = { ip: '192.0.2.21' };
  customerId = (await register(deps, { email: 'customer@example.test', password: PASSWORD, name: null }, meta)).user.id;
  const staff = await register(deps, { email: 'staff@example.test', password: PASSWORD, name: null }, meta);
  const admin = await ensureAdmin(deps, 'admin@example.test', PASSWORD, 'explicit');
  await setUserRole(deps, { userId: admin.userId, role: 'admin' }, { id: staff.user.id, role: 'staff' });
});
afterAll(() => close());

async function callerWith(headers: Record<string, string>, cookies: Record<string, string> = {}) {
  const set = new Map<string, string>();
  const req: RequestInfo = {
    ip: '192.0.2.20',
    allowedOrigins: [ADMIN_ORIGIN],
    header: (name) => headers[name.toLowerCase()],
    cookie: (name) => cookies[name],
    setHeader: () => {},
    setCookie: (name, value) => void set.set(name, value),
    clearCookie: () => {},
  };
  return { caller: createCaller(await createContext(deps, req, resolveViewer)), cookies: set };
}


/** Ends the customer's sessions, answering the ones there were. */
const customerSessionsRevoked = () => transaction(deps, (tx) => revokeUserSessions(deps, tx, customerId));

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('staffSession.login', () => {
  it.each(['staff', 'admin'])('signs %s in with the HttpOnly cookie only, never the token in the body', async (role) => {
    const { caller, cookies } = await callerWith({ origin: ADMIN_ORIGIN });
    const result = await caller.staffSession.login({ email: `${role}@example.test`, password: PASSWORD });
    expect(result.user.role).toBe(role);
    expect(result).not.toHaveProperty('token');
    const token = cookies.get(SESSION_COOKIE)!;
    const signedIn = await callerWith({ origin: ADMIN_ORIGIN }, { [SESSION_COOKIE]: token });
    expect((await signedIn.caller.auth.me()).role).toBe(role);
    expect(await signedIn.caller.reports.summary()).toMatchObject({ currency: 'USD' });
  });

  it('refuses a customer with a clear 403 before any session exists', async () => {
    await customerSessionsRevoked();
    const { caller, cookies } = await callerWith({ origin: ADMIN_ORIGIN });
    const error = await rejection(caller.staffSession.login({ email: 'CUSTOMER@example.test', password: PASSWORD }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(/customer account/);
    expect(cookies.size).toBe(0);
    expect(await customerSessionsRevoked()).toEqual([]);
  });

  it('answers a wrong password with the generic 401, whatever the role', async () => {
    for (const email of ['customer@example.test', 'staff@example.test', 'nobody@example.test']) {
      const { caller } = await callerWith({ origin: ADMIN_ORIGIN });
      const error = await rejection(caller.staffSession.login({ email, password: 'not the password' }));
      expect([error.code, error.message]).toEqual(['UNAUTHORIZED', 'Invalid email or password']);
    }
  });

  it('refuses a page on a foreign origin, or no origin, before checking anything', async () => {
    for (const headers of [{ origin: 'https://evil.example' }, {}] as Record<string, string>[]) {
      const { caller, cookies } = await callerWith(headers);
      const error = await rejection(caller.staffSession.login({ email: 'admin@example.test', password: PASSWORD }));
      expect(error.code).toBe('FORBIDDEN');
      expect(cookies.size).toBe(0);
    }
  });

  it('keeps customers and anonymous callers out of the admin reads', async () => {
    const { token } = await issueSession(deps, deps.db, customerId);
    const asCustomer = await callerWith({}, { [SESSION_COOKIE]: token });
    expect((await rejection(asCustomer.caller.reports.summary())).code).toBe('FORBIDDEN');
    expect((await rejection(asCustomer.caller.customers.list({}))).code).toBe('FORBIDDEN');
    const anonymous = await callerWith({});
    expect((await rejection(anonymous.caller.reports.orders({}))).code).toBe('UNAUTHORIZED');
  });
});

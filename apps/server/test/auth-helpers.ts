import { SESSION_COOKIE } from '@commerce/api';
import { lucia, sessionIdOf } from '@commerce/core';
import type { Runtime } from '../src/deps';
import type { TestResponse } from './helpers';

let counter = 0;

/** A fresh, unique email for one test. */
export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}-${process.pid}-${counter}-${Date.now()}@example.test`;
}

export const PASSWORD = 'correct horse battery';

// lucia's own adapter reads and writes the session rows (it is private: these are test hooks).
const adapterOf = (runtime: Runtime) => lucia(runtime.deps)['adapter'];

/** Moves a session's expiry in the database, as time passing would. */
export async function setSessionExpiry(runtime: Runtime, token: string, expiresAt: Date): Promise<void> {
  await adapterOf(runtime).updateSessionExpiration(sessionIdOf(token), expiresAt);
}

/** The session row's expiry, straight from the database (undefined when there is no row). */
export async function sessionExpiry(runtime: Runtime, token: string): Promise<Date | undefined> {
  const [session] = await adapterOf(runtime).getSessionAndUser(sessionIdOf(token));
  return session?.expiresAt;
}

/** The request header that presents a session cookie. */
export const cookieHeader = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

/** The Set-Cookie line for the session cookie, if the response has one. */
export function sessionSetCookie(res: TestResponse): string | undefined {
  const raw = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
  return lines.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
}

/** A tRPC query URL with its input. */
export const trpcQuery = (path: string, input?: unknown) =>
  `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

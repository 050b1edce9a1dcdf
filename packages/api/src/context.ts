import type { Deps, Viewer } from '@commerce/core';

export interface CookieOptions {
  maxAgeSeconds?: number;
  expires?: Date;
}

/** What a procedure may read from the HTTP request, and do to the response, without knowing the adapter. */
export interface RequestInfo {
  ip: string;
  /** Origins browsers may call from (CORS_ORIGINS): a cookie-authenticated mutation must come from one. */
  allowedOrigins: readonly string[];
  /** Header names in lower case. */
  header(name: string): string | undefined;
  cookie(name: string): string | undefined;
  setHeader(name: string, value: string): void;
  setCookie(name: string, value: string, options: CookieOptions): void;
  clearCookie(name: string): void;
}

export interface SessionInfo {
  token: string;
  /** How the token arrived: cookies need a CSRF check on mutations, bearer tokens do not. */
  via: 'bearer' | 'cookie';
}

export interface Context {
  deps: Deps;
  req: RequestInfo;
  /** The token the caller presented, if any; `viewer` is what it resolved to. */
  session: SessionInfo | null;
  viewer: Viewer;
}

/** A request with nothing attached: for createCaller in tests and scripts. */
export function detachedRequest(
  ip = '127.0.0.1',
  headers: Record<string, string> = {},
  allowedOrigins: readonly string[] = [],
): RequestInfo {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    ip,
    allowedOrigins,
    header: (name) => lower[name.toLowerCase()],
    cookie: () => undefined,
    setHeader: () => {},
    setCookie: () => {},
    clearCookie: () => {},
  };
}

export const SESSION_COOKIE = 'commerce_session';

/** The bearer token, else the session cookie. */
export function sessionFrom(req: RequestInfo): SessionInfo | null {
  const authorization = req.header('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    // A malformed Authorization header is an invalid token, not an anonymous call.
    return { token: match?.[1] ?? '', via: 'bearer' };
  }
  const cookie = req.cookie(SESSION_COOKIE);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

/** The session cookie the admin app authenticates with; it lives as long as the session. */
export function setSessionCookie(req: RequestInfo, token: string, expiresAt: Date | string): void {
  req.setCookie(SESSION_COOKIE, token, { expires: new Date(expiresAt) });
}

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/** Whether the request's Origin header names one of the allowed origins. A missing Origin is not allowed. */
export function originAllowed(req: RequestInfo): boolean {
  const origin = req.header('origin');
  if (!origin) return false;
  const normalized = originOf(origin);
  return normalized !== null && req.allowedOrigins.some((allowed) => originOf(allowed) === normalized);
}

/** Called back when validation slid the session's expiry forward. */
export type ResolveViewer = (deps: Deps, token: string, onExtended?: (expiresAt: Date) => void) => Promise<Viewer>;

/**
 * Builds the context for one request. Anonymous requests cost nothing; a presented
 * token is resolved once, here, so every procedure sees the same viewer.
 */
export async function createContext(deps: Deps, req: RequestInfo, resolveViewer: ResolveViewer): Promise<Context> {
  const session = sessionFrom(req);
  if (!session?.token) return { deps, req, session, viewer: null };
  // A slid session gets a fresh cookie, so the browser keeps it as long as the server does.
  const onExtended =
    session.via === 'cookie' ? (expiresAt: Date) => setSessionCookie(req, session.token, expiresAt) : undefined;
  const viewer = await resolveViewer(deps, session.token, onExtended);
  // The request's address goes with the viewer into core, where changes record it.
  return { deps, req, session, viewer: viewer && { ...viewer, ip: req.ip } };
}

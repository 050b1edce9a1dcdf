import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Deps } from '../deps';
import { AppError } from '../errors';

const LOGIN_WINDOW_SECONDS = 15 * 60;
const REGISTER_WINDOW_SECONDS = 60 * 60;
const PASSWORD_WINDOW_SECONDS = 15 * 60;
const REVIEW_WINDOW_SECONDS = 60 * 60;
/** How long a successful login vouches for its email+address pair (OWASP's "known device"). */
const PASSWORD_RESET_WINDOW_SECONDS = 60 * 60;
const KNOWN_LOGIN_SECONDS = 30 * 24 * 60 * 60;

interface Limiters {
  loginPerEmailIp: RateLimiterAbstract;
  loginPerIp: RateLimiterAbstract;
  /** Email+address pairs that signed in successfully: a point each, kept KNOWN_LOGIN_SECONDS. */
  knownLogins: RateLimiterAbstract;
  registerPerIp: RateLimiterAbstract;
  requestsPerIp: RateLimiterAbstract | null;
  requestsPerUser: RateLimiterAbstract | null;
  ordersPerUser: RateLimiterAbstract | null;
  passwordChangesPerUser: RateLimiterAbstract | null;
  reviewWritesPerUser: RateLimiterAbstract | null;
  passwordResetPerIp: RateLimiterAbstract;
  passwordResetPerEmail: RateLimiterAbstract;
}

function buildLimiters(deps: Deps): Limiters {
  const make = (keyPrefix: string, points: number, duration: number) => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!deps.redis) return memory;
    // Redis holds the counters every server process shares. While it is down each process
    // counts on its own (the insurance limiter) at once, without waiting for a command to time
    // out: limits stay on, but N processes allow up to N times as much until Redis is back.
    return new RateLimiterRedis({
      storeClient: deps.redis,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: memory,
      rejectIfRedisNotReady: true,
    });
  };
  const limits = deps.settings.rateLimits;
  const optional = (keyPrefix: string, points: number, duration = limits.windowSeconds) =>
    points > 0 ? make(keyPrefix, points, duration) : null;
  return {
    loginPerEmailIp: make('rl:login:email-ip', limits.loginPerEmailIp, LOGIN_WINDOW_SECONDS),
    loginPerIp: make('rl:login:ip', limits.loginPerIp, LOGIN_WINDOW_SECONDS),
    knownLogins: make('rl:login:known', 1, KNOWN_LOGIN_SECONDS),
    registerPerIp: make('rl:register:ip', limits.registerPerIp, REGISTER_WINDOW_SECONDS),
    requestsPerIp: optional('rl:req:ip', limits.requestsPerIp),
    requestsPerUser: optional('rl:req:user', limits.requestsPerUser),
    ordersPerUser: optional('rl:orders:user', limits.ordersPerUser),
    passwordChangesPerUser: optional('rl:password:user', limits.passwordChangesPerUser, PASSWORD_WINDOW_SECONDS),
    reviewWritesPerUser: optional('rl:reviews:user', limits.reviewWritesPerUser, REVIEW_WINDOW_SECONDS),
    passwordResetPerIp: make('rl:reset:ip', limits.passwordResetPerIp, PASSWORD_RESET_WINDOW_SECONDS),
    passwordResetPerEmail: make('rl:reset:email', limits.passwordResetPerEmail, PASSWORD_RESET_WINDOW_SECONDS),
  };
}

// Keyed by the store the counters live in (the Redis client, else the database handle that
// stands for this process's store), then by the limits, so they are built once per Deps.
const instances = new WeakMap<object, Map<string, Limiters>>();

// The limits' content names them (equal settings share limiters); spelled out once per object,
// not on every request.
const settingsKeys = new WeakMap<object, string>();

function limitersFor(deps: Deps): Limiters {
  const store: object = deps.redis ?? deps.db;
  let bySettings = instances.get(store);
  if (!bySettings) instances.set(store, (bySettings = new Map()));
  const limits = deps.settings.rateLimits;
  let key = settingsKeys.get(limits);
  if (key === undefined) settingsKeys.set(limits, (key = JSON.stringify(limits)));
  let limiters = bySettings.get(key);
  if (!limiters) bySettings.set(key, (limiters = buildLimiters(deps)));
  return limiters;
}

/**
 * Takes one point from each limiter at once. Taking before the work (rather than checking, then
 * counting afterwards) keeps a burst of parallel attempts from slipping past the limit.
 */
async function consumeAll(entries: [RateLimiterAbstract, string][], message: string) {
  const results = await Promise.allSettled(entries.map(([limiter, key]) => limiter.consume(key)));
  let waitMs: number | undefined;
  for (const result of results) {
    if (result.status === 'fulfilled') continue;
    // Anything but a RateLimiterRes is a store failure the insurance limiter could not absorb.
    if (!(result.reason instanceof RateLimiterRes)) throw result.reason;
    waitMs = Math.max(waitMs ?? 0, result.reason.msBeforeNext);
  }
  if (waitMs !== undefined) {
    throw new AppError('TOO_MANY_REQUESTS', message, { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
  }
}

const emailIpKey = (ip: string, email: string) => `${ip}|${email.toLowerCase()}`;

/**
 * Counts failed logins, following OWASP's authentication guidance:
 * - a point is reserved from the email+address and the address counters before the password is
 *   checked (so a parallel burst cannot slip past the limit) and given back when it was right:
 *   only failures stay counted, and a success clears its email+address counter;
 * - an email that signed in successfully from this address before is a known pair: failures by
 *   others behind the same address (a shared proxy, an office) do not lock it out. It is held
 *   back only by its own email+address counter, which a spraying attacker does not reach.
 */
export async function takeLoginAttempt(deps: Deps, ip: string, email: string): Promise<{ succeeded(): Promise<void> }> {
  const { loginPerEmailIp, loginPerIp, knownLogins } = limitersFor(deps);
  const pair = emailIpKey(ip, email);
  const known = ((await knownLogins.get(pair))?.consumedPoints ?? 0) > 0;
  const entries: [RateLimiterAbstract, string][] = [[loginPerEmailIp, pair]];
  if (!known) entries.push([loginPerIp, ip]);
  await consumeAll(entries, 'Too many failed sign-in attempts: try again later');
  return {
    succeeded: async () => {
      await Promise.all([
        loginPerEmailIp.delete(pair),
        known ? undefined : loginPerIp.reward(ip, 1),
        knownLogins.set(pair, 1, KNOWN_LOGIN_SECONDS),
      ]);
    },
  };
}

/** Counts a registration attempt from this address (429 when over the hourly limit). */
export async function takeRegistrationAttempt(deps: Deps, ip: string): Promise<void> {
  const { registerPerIp } = limitersFor(deps);
  await consumeAll([[registerPerIp, ip]], 'Too many registrations from this address: try again later');
}

/**
 * A password reset request, counted per address and per email alike: the same answer whether or
 * not the email has an account, so the limit gives nothing away either.
 */
export async function takePasswordResetRequest(deps: Deps, ip: string, email: string): Promise<void> {
  const { passwordResetPerIp, passwordResetPerEmail } = limitersFor(deps);
  await consumeAll(
    [
      [passwordResetPerIp, ip],
      [passwordResetPerEmail, email.toLowerCase()],
    ],
    'Too many password reset requests: try again later',
  );
}

export type RequestLimit = 'ip' | 'user' | 'orders' | 'password' | 'reviews';

const limitMessages: Record<RequestLimit, string> = {
  ip: 'Too many requests: slow down and try again later',
  user: 'Too many requests: slow down and try again later',
  orders: 'Too many orders placed: try again later',
  password: 'Too many password attempts: try again later',
  reviews: 'Too many review changes: try again later',
};

/**
 * Counts one request against a limit: any request by client address, any procedure call by
 * signed-in user, and by user: an order placed, a password change or account closing, a review
 * write. 429 with the wait when over it.
 */
export async function takeRequest(deps: Deps, limit: RequestLimit, key: string | number): Promise<void> {
  const limiters = limitersFor(deps);
  const limiter = {
    ip: limiters.requestsPerIp,
    user: limiters.requestsPerUser,
    orders: limiters.ordersPerUser,
    password: limiters.passwordChangesPerUser,
    reviews: limiters.reviewWritesPerUser,
  }[limit];
  if (!limiter) return;
  await consumeAll([[limiter, String(key)]], limitMessages[limit]);
}

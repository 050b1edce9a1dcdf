import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Deps } from '../deps';
import { AppError } from '../errors';

const LOGIN_WINDOW_SECONDS = 15 * 60;
const REGISTER_WINDOW_SECONDS = 60 * 60;

interface Limiters {
  loginPerEmailIp: RateLimiterAbstract;
  loginPerIp: RateLimiterAbstract;
  registerPerIp: RateLimiterAbstract;
}

function buildLimiters(deps: Deps): Limiters {
  const make = (keyPrefix: string, points: number, duration: number) => {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!deps.redis) return memory;
    // Redis holds the counters every server process shares; while it is down, each process
    // counts on its own at once (no waiting for a command to time out) rather than failing logins.
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
  return {
    loginPerEmailIp: make('rl:login:email-ip', limits.loginPerEmailIp, LOGIN_WINDOW_SECONDS),
    loginPerIp: make('rl:login:ip', limits.loginPerIp, LOGIN_WINDOW_SECONDS),
    registerPerIp: make('rl:register:ip', limits.registerPerIp, REGISTER_WINDOW_SECONDS),
  };
}

// Keyed by the store the counters live in (the Redis client, else the database handle that
// stands for this process's store), then by the limits, so they are built once per Deps.
const instances = new WeakMap<object, Map<string, Limiters>>();

function limitersFor(deps: Deps): Limiters {
  const store: object = deps.redis ?? deps.db;
  let bySettings = instances.get(store);
  if (!bySettings) instances.set(store, (bySettings = new Map()));
  const key = JSON.stringify(deps.settings.rateLimits);
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

const emailIpKey = (ip: string, email: string) => `${ip}|${email}`;

/**
 * Counts a login attempt as a failure up front (429 when over a limit); call `succeeded` when
 * the password was right, which gives the attempt back and clears this email's failures.
 */
export async function takeLoginAttempt(deps: Deps, ip: string, email: string): Promise<{ succeeded(): Promise<void> }> {
  const { loginPerEmailIp, loginPerIp } = limitersFor(deps);
  await consumeAll(
    [
      [loginPerEmailIp, emailIpKey(ip, email)],
      [loginPerIp, ip],
    ],
    'Too many failed sign-in attempts: try again later',
  );
  return {
    succeeded: async () => {
      await Promise.all([loginPerEmailIp.delete(emailIpKey(ip, email)), loginPerIp.reward(ip, 1)]);
    },
  };
}

/** Counts a registration attempt from this address (429 when over the hourly limit). */
export async function takeRegistrationAttempt(deps: Deps, ip: string): Promise<void> {
  const { registerPerIp } = limitersFor(deps);
  await consumeAll([[registerPerIp, ip]], 'Too many registrations from this address: try again later');
}

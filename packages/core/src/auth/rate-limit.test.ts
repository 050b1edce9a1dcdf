import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from '../cache';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createTestDeps } from '../testing';
import { takeLoginAttempt, takeRegistrationAttempt } from './rate-limit';

let base: Deps;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ deps: base, close } = await createTestDeps());
});
afterAll(() => close());

const withLimits = (deps: Deps, limits: Partial<Deps['settings']['rateLimits']>): Deps => ({
  ...deps,
  settings: { ...deps.settings, rateLimits: { ...deps.settings.rateLimits, ...limits } },
});

async function tooMany(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  return (error as AppError).details.retryAfterSeconds!;
}

describe('rate limits in memory', () => {
  it('limits failed logins per IP and email, and a success clears them', async () => {
    const deps = withLimits(base, { loginPerEmailIp: 2, loginPerIp: 100 });
    await takeLoginAttempt(deps, '192.0.2.1', 'a@example.test');
    const second = await takeLoginAttempt(deps, '192.0.2.1', 'a@example.test');
    const wait = await tooMany(takeLoginAttempt(deps, '192.0.2.1', 'a@example.test'));
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    await takeLoginAttempt(deps, '192.0.2.2', 'a@example.test');
    await second.succeeded();
    await takeLoginAttempt(deps, '192.0.2.1', 'a@example.test');
  });

  it('limits registrations per IP per hour', async () => {
    const deps = withLimits(base, { registerPerIp: 1 });
    await takeRegistrationAttempt(deps, '192.0.2.9');
    const wait = await tooMany(takeRegistrationAttempt(deps, '192.0.2.9'));
    expect(wait).toBeGreaterThan(59 * 60);
    expect(wait).toBeLessThanOrEqual(60 * 60);
  });
});

describe('rate limits in Redis', () => {
  it('falls back to counting in this process while Redis is unreachable', async () => {
    // nothing listens on port 1: every Redis command fails fast
    const redis = createRedisClient({ url: 'redis://127.0.0.1:1' });
    redis.on('error', () => {});
    try {
      const deps = withLimits({ ...base, redis }, { loginPerEmailIp: 1, loginPerIp: 100 });
      await takeLoginAttempt(deps, '192.0.2.3', 'down@example.test');
      await tooMany(takeLoginAttempt(deps, '192.0.2.3', 'down@example.test'));
    } finally {
      redis.disconnect();
    }
  });
});

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adminCredentials, loadConfig, PUBLISHED_PASSWORDS } from '../src/config';

describe('configuration', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, CURRENCY: 'USD', BODY_LIMIT_BYTES: 1024 * 1024, NODE_ENV: 'development' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', ' '],
    ['PORT', '0x10'],
    ['PORT', '1e3'],
    ['SESSION_TTL_DAYS', '1.5'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['REDIS_URL', 'not a url'],
    ['CURRENCY', 'usd'],
    ['CORS_ORIGINS', '*'],
    ['LOG_LEVEL', 'loud'],
    ['BODY_LIMIT_BYTES', '-1'],
  ])('names %s when it is %j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^[\\s\\S]*${name}`));
  });

  it('refuses a missing or published admin password in production, with or without ADMIN_EMAIL', () => {
    const production = { NODE_ENV: 'production', PAYMENTS_OFFLINE: 'true' };
    expect(() => loadConfig(production)).toThrow(/ADMIN_PASSWORD/);
    expect(() => loadConfig({ ...production, ADMIN_EMAIL: 'a@b.co' })).toThrow(/ADMIN_PASSWORD/);
    for (const published of PUBLISHED_PASSWORDS) {
      expect(() => loadConfig({ ...production, ADMIN_PASSWORD: published })).toThrow(/ADMIN_PASSWORD/);
    }
    const ok = loadConfig({ ...production, ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'a-strong-secret-1' });
    expect(adminCredentials(ok)).toEqual({ email: 'a@b.co', password: 'a-strong-secret-1', generated: false });
  });

  it('generates a random admin password outside production when none is configured', () => {
    const first = adminCredentials(loadConfig({}));
    const second = adminCredentials(loadConfig({}));
    expect(first).toMatchObject({ email: 'admin@example.com', generated: true });
    expect(first.password).toMatch(/^[\w-]{24}$/);
    expect(second.password).not.toBe(first.password);
    expect(PUBLISHED_PASSWORDS).not.toContain(first.password);
  });

  it('refuses the offline payment provider in production unless PAYMENTS_OFFLINE=true', () => {
    const production = { NODE_ENV: 'production', ADMIN_PASSWORD: 'a-strong-secret-1' };
    expect(() => loadConfig(production)).toThrow(/STRIPE_SECRET_KEY[^\n]*PAYMENTS_OFFLINE=true/);
    expect(loadConfig({ ...production, PAYMENTS_OFFLINE: 'true' }).PAYMENTS_OFFLINE).toBe(true);
    expect(() => loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_test_x' })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).STRIPE_SECRET_KEY).toBe('sk_test_x');
    // development keeps its defaults: the offline provider needs no flag there
    expect(loadConfig({}).PAYMENTS_OFFLINE).toBe(false);
  });

  it('stops the process with a message naming the bad variable', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, PORT: 'not-a-port', DATABASE_URL: '', REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).not.toContain('    at ');
  });
});

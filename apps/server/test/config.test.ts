import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { adminCredentials, DEV_ADMIN_PASSWORD, loadConfig } from '../src/config';

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

  it('refuses a default or missing admin password in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.co' })).toThrow(/ADMIN_PASSWORD/);
    expect(() =>
      loadConfig({ NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: DEV_ADMIN_PASSWORD }),
    ).toThrow(/ADMIN_PASSWORD/);
    const ok = loadConfig({ NODE_ENV: 'production', ADMIN_EMAIL: 'a@b.co', ADMIN_PASSWORD: 'a-strong-secret-1' });
    expect(adminCredentials(ok)).toEqual({ email: 'a@b.co', password: 'a-strong-secret-1', isDefault: false });
    expect(adminCredentials(loadConfig({ NODE_ENV: 'production' }))).toBeNull();
  });

  it('uses a printed development default admin outside production', () => {
    expect(adminCredentials(loadConfig({}))).toMatchObject({ isDefault: true, password: DEV_ADMIN_PASSWORD });
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

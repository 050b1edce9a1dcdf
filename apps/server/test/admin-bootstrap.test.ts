import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, spawnServer, testEnv, type Env } from './helpers';

let env: Env;
let drop: () => Promise<void>;

beforeAll(async () => {
  const created = await testEnv({ NODE_ENV: 'development', ADMIN_PASSWORD: '', ADMIN_EMAIL: '' });
  env = created.env;
  drop = created.database.drop;
});
afterAll(() => drop());

/** Starts the real server, stops it, and answers what it printed. */
async function startAndStop(): Promise<string> {
  const server = await spawnServer(env);
  expect((await httpRequest(server.url, 'GET', '/health')).status).toBe(200);
  await server.stop();
  return server.output();
}

const login = async (password: string) => {
  const server = await spawnServer(env);
  try {
    return await httpRequest(server.url, 'POST', '/api/auth/login', { body: { email: 'admin@example.com', password } });
  } finally {
    await server.stop();
  }
};

describe('the first admin without ADMIN_PASSWORD', () => {
  it('gets a random password printed at first start, and never again', async () => {
    const first = await startAndStop();
    const match = /Admin login \(generated, shown only this once\): admin@example\.com \/ (\S+)/.exec(first);
    expect(match, first).not.toBeNull();
    const password = match![1]!;
    expect(password).not.toBe('admin-password-change-me');
    // never in a log line (JSON), only in the printed notice
    expect(first.split('\n').filter((line) => line.startsWith('{') && line.includes(password))).toEqual([]);

    const second = await startAndStop();
    expect(second).not.toMatch(/Admin login/);
    expect(second).not.toContain(password);
    expect(second).not.toMatch(/does not match the stored password/);

    const res = await login(password);
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('admin');
    expect((await login('admin-password-change-me')).status).toBe(401);
  });
});

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('production refuses to start', () => {
  const production = { NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', REDIS_URL: '' };
  it.each([
    ['without ADMIN_PASSWORD', { PAYMENTS_OFFLINE: 'true' }, /ADMIN_PASSWORD/],
    ['with a published ADMIN_PASSWORD', { PAYMENTS_OFFLINE: 'true', ADMIN_PASSWORD: 'admin-password-change-me' }, /ADMIN_PASSWORD/],
    ['on the offline provider unless PAYMENTS_OFFLINE=true', { ADMIN_PASSWORD: 'a-real-secret-1' }, /PAYMENTS_OFFLINE=true/],
    ['with a Stripe key but no webhook secret', { ADMIN_PASSWORD: 'a-real-secret-1', STRIPE_SECRET_KEY: 'sk_test_x' }, /STRIPE_WEBHOOK_SECRET/],
  ])('%s', (_name, extra, message) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, ADMIN_PASSWORD: '', STRIPE_SECRET_KEY: '', PAYMENTS_OFFLINE: '', ...production, ...extra } as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});

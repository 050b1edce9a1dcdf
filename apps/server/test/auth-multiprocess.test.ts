import type { TestDatabase } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './auth-helpers';
import { httpRequest, spawnServer, testEnv, type Env, type ServerProcess } from './helpers';

// Two real server processes sharing one Postgres database and one Redis key space.
const ADMIN_EMAIL = 'Boss@Example.test';
const ADMIN_PASSWORD = 'boss password 123';
let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let env: Env;

beforeAll(async () => {
  const setup = await testEnv({ ADMIN_EMAIL, ADMIN_PASSWORD });
  database = setup.database;
  env = setup.env;
  // started together: both run ensureAdmin for the same email at once
  [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await database?.drop();
});

const call = (server: ServerProcess, method: string, path: string, options: Parameters<typeof httpRequest>[3] = {}) =>
  httpRequest(server.url, method, path, options);

async function registerOn(server: ServerProcess) {
  const res = await call(server, 'POST', '/api/auth/register', { body: { email: uniqueEmail(), password: PASSWORD } });
  expect(res.status).toBe(200);
  return res.body as { user: { id: number; email: string }; token: string };
}

async function adminToken(server: ServerProcess): Promise<string> {
  const res = await call(server, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  expect(res.status).toBe(200);
  return res.body.token;
}

describe('two server processes', () => {
  it('made exactly one admin from ADMIN_EMAIL/ADMIN_PASSWORD though both started at once', async () => {
    const token = await adminToken(a);
    const admins = await call(b, 'GET', '/api/users?role=admin', { token });
    expect(admins.status).toBe(200);
    expect(admins.body.items.map((u: { email: string }) => u.email)).toEqual([ADMIN_EMAIL.toLowerCase()]);
  });

  it('a logout through one is a 401 through the other on the very next request', async () => {
    const { token } = await registerOn(a);
    expect((await call(b, 'GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await call(a, 'GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await call(a, 'POST', '/api/auth/logout', { token })).status).toBe(200);
    expect((await call(b, 'GET', '/api/auth/me', { token })).status).toBe(401);
  });

  it('a refresh through one retires the old token on the other at once', async () => {
    const { token } = await registerOn(b);
    expect((await call(a, 'GET', '/api/auth/me', { token })).status).toBe(200);
    const refreshed = await call(b, 'POST', '/api/auth/refresh', { token });
    expect(refreshed.status).toBe(200);
    expect((await call(a, 'GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await call(a, 'GET', '/api/auth/me', { token: refreshed.body.token })).status).toBe(200);
  });

  it('a role change through one is seen by the other on the very next request', async () => {
    const admin = await adminToken(b);
    const { user, token } = await registerOn(a);
    expect((await call(b, 'GET', '/api/users', { token })).status).toBe(403);
    expect((await call(a, 'PUT', `/api/users/${user.id}/role`, { token: admin, body: { role: 'admin' } })).status).toBe(200);
    expect((await call(b, 'GET', '/api/users', { token })).status).toBe(200);
    expect((await call(b, 'PUT', `/api/users/${user.id}/role`, { token: admin, body: { role: 'staff' } })).status).toBe(200);
    expect((await call(a, 'GET', '/api/users', { token })).status).toBe(403);
  });

  it('a restart neither re-promotes a demoted ADMIN_EMAIL account nor promotes one someone else registered', async () => {
    const boss = await adminToken(a);
    const [bossUser] = (await call(a, 'GET', '/api/users?role=admin', { token: boss })).body.items;
    const { user: deputy } = await registerOn(a);
    expect((await call(a, 'PUT', `/api/users/${deputy.id}/role`, { token: boss, body: { role: 'admin' } })).status).toBe(200);
    const deputyLogin = await call(a, 'POST', '/api/auth/login', { body: { email: deputy.email, password: PASSWORD } });
    const demoted = await call(a, 'PUT', `/api/users/${bossUser.id}/role`, {
      token: deputyLogin.body.token,
      body: { role: 'customer' },
    });
    expect(demoted.status).toBe(200);
    const squatter = await registerOn(b);

    // start-up runs ensureAdmin for ADMIN_EMAIL (the demoted boss) and for the squatter's email
    const [c, d] = await Promise.all([
      spawnServer(env),
      spawnServer({ ...env, ADMIN_EMAIL: squatter.user.email, ADMIN_PASSWORD: 'someone elses password' }),
    ]);
    try {
      const bossAgain = await call(c, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      expect(bossAgain.body.user.role).toBe('customer');
      const own = await call(d, 'POST', '/api/auth/login', { body: { email: squatter.user.email, password: PASSWORD } });
      expect(own.body.user.role).toBe('customer');
      const taken = await call(d, 'POST', '/api/auth/login', {
        body: { email: squatter.user.email, password: 'someone elses password' },
      });
      expect(taken.status).toBe(401);
      expect((await call(d, 'GET', '/api/users', { token: squatter.token })).status).toBe(403);
    } finally {
      await Promise.all([c.stop(), d.stop()]);
    }
  });

  it('shares login-failure counters: 10 failures spread over both, then 429 on either', async () => {
    const email = uniqueEmail('shared');
    for (let i = 0; i < 10; i++) {
      const res = await call(i % 2 ? a : b, 'POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
      expect(res.status).toBe(401);
    }
    for (const server of [a, b]) {
      const res = await call(server, 'POST', '/api/auth/login', { body: { email, password: 'wrong password' } });
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});

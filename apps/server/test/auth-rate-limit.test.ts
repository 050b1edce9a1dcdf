import { createRedisClient } from '@commerce/core';
import { testRedisUrl } from '@commerce/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from './auth-helpers';
import { expectTooMany, startTestServer, type TestServer } from './helpers';

// Small limits, and X-Forwarded-For honoured so each test can speak from its own address.
const limits = {
  TRUST_PROXY: '1',
  RATE_LIMIT_LOGIN_PER_EMAIL_IP: '3',
  RATE_LIMIT_LOGIN_PER_IP: '8',
  RATE_LIMIT_REGISTER_PER_IP: '4',
};

let server: TestServer;
let ipCounter = 0;
/** A fresh client address for one test. */
const newIp = () => `203.0.113.${++ipCounter}`;

beforeAll(async () => {
  server = await startTestServer(limits);
});
afterAll(() => server.close());

function login(target: TestServer, ip: string, email: string, password: string) {
  return target.request('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });
}

async function registered(target: TestServer = server): Promise<string> {
  const email = uniqueEmail();
  // each account from its own address, so setting up never touches the registration limit under test
  const res = await target.request('POST', '/api/auth/register', {
    body: { email, password: PASSWORD },
    headers: { 'x-forwarded-for': `198.51.100.${++ipCounter}` },
  });
  expect(res.status).toBe(200);
  return email;
}

describe('failed logins per IP and email', () => {
  it('allows 3 failures, then answers 429 with Retry-After, even for the right password', async () => {
    const email = await registered();
    const ip = newIp();
    for (let i = 0; i < 3; i++) expect((await login(server, ip, email, 'wrong password')).status).toBe(401);
    const blocked = await login(server, ip, email, PASSWORD);
    expectTooMany(blocked, 15 * 60);
    expect(blocked.body.code).toBe('TOO_MANY_REQUESTS');
    expect(blocked.body.message).toMatch(/too many/i);
    // the same email from another address, and another email from this one, are not blocked
    expect((await login(server, newIp(), email, PASSWORD)).status).toBe(200);
    expect((await login(server, ip, await registered(), PASSWORD)).status).toBe(200);
  });

  it('counts unknown emails like known ones', async () => {
    const ip = newIp();
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 3; i++) expect((await login(server, ip, email, PASSWORD)).status).toBe(401);
    expectTooMany(await login(server, ip, email, PASSWORD), 15 * 60);
  });

  it('resets the counter after a successful login', async () => {
    const email = await registered();
    const ip = newIp();
    for (let i = 0; i < 2; i++) expect((await login(server, ip, email, 'wrong password')).status).toBe(401);
    expect((await login(server, ip, email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(server, ip, email, 'wrong password')).status).toBe(401);
    expectTooMany(await login(server, ip, email, 'wrong password'), 15 * 60);
  });

  it('holds under a burst: of 10 parallel wrong logins exactly 3 are checked', async () => {
    const email = await registered();
    const ip = newIp();
    const results = await Promise.all(Array.from({ length: 10 }, () => login(server, ip, email, 'wrong password')));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([401, 401, 401, ...Array<number>(7).fill(429)]);
  });

  it('answers 429 with Retry-After over tRPC too', async () => {
    const email = await registered();
    const ip = newIp();
    const call = () =>
      server.request('POST', '/trpc/auth.login', {
        body: { email, password: 'wrong password' },
        headers: { 'x-forwarded-for': ip },
      });
    for (let i = 0; i < 3; i++) expect((await call()).status).toBe(401);
    const blocked = await call();
    expectTooMany(blocked, 15 * 60);
    expect(blocked.body.error.data.code).toBe('TOO_MANY_REQUESTS');
  });
});

describe('failed logins per IP', () => {
  it('blocks an address after 8 failures over any emails', async () => {
    const ip = newIp();
    for (let i = 0; i < 8; i++) expect((await login(server, ip, uniqueEmail('spray'), PASSWORD)).status).toBe(401);
    expectTooMany(await login(server, ip, await registered(), PASSWORD), 15 * 60);
    // another address is unaffected
    expect((await login(server, newIp(), uniqueEmail('spray'), PASSWORD)).status).toBe(401);
  });

  it('does not count successful logins', async () => {
    const ip = newIp();
    const email = await registered();
    for (let i = 0; i < 10; i++) expect((await login(server, ip, email, PASSWORD)).status).toBe(200);
  });
});

describe('registrations per IP', () => {
  it('allows 4 per hour, whether they succeed or not, then 429 with Retry-After', async () => {
    const ip = newIp();
    const taken = await registered();
    const register = (email: string) =>
      server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD }, headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 3; i++) expect((await register(uniqueEmail())).status).toBe(200);
    expect((await register(taken)).status).toBe(409);
    expectTooMany(await register(uniqueEmail()), 60 * 60);
    // invalid input is a 400 and costs nothing
    const invalid = await server.request('POST', '/api/auth/register', {
      body: { email: 'bad', password: PASSWORD },
      headers: { 'x-forwarded-for': ip },
    });
    expect(invalid.status).toBe(400);
    expect((await register(uniqueEmail())).status).toBe(429);
  });
});

describe('counter stores', () => {
  it('keeps counters in Redis under this server’s own key prefix; another server on the same Redis counts apart', async () => {
    const other = await startTestServer(limits);
    try {
      const email = await registered();
      const ip = newIp();
      for (let i = 0; i < 3; i++) await login(server, ip, email, 'wrong password');
      expectTooMany(await login(server, ip, email, PASSWORD), 15 * 60);
      // the same address and email on a server with its own database and key prefix: not blocked
      const there = await other.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } });
      expect(there.status).toBe(200);
      expect((await login(other, ip, email, PASSWORD)).status).toBe(200);

      const raw = createRedisClient({ url: testRedisUrl });
      try {
        const prefix = server.env.REDIS_KEY_PREFIX!;
        expect(prefix).toMatch(/^test:/);
        // This test's counter (its email is unique), wherever a store may have written it: only
        // under this server's prefix. Other stores sharing the Redis may hold any keys of their own.
        const counter = `rl:login:email-ip:${ip}|${email}`;
        const found = await raw.keys(`*${counter}`);
        expect(found).toContain(`${prefix}${counter}`);
        const theirs = other.env.REDIS_KEY_PREFIX!;
        expect(found.filter((key) => !key.startsWith(prefix) && !key.startsWith(theirs))).toEqual([]);
        expect(await raw.exists(counter)).toBe(0);
        expect(await raw.keys(`${prefix}rl:login:ip:${ip}`)).toEqual([`${prefix}rl:login:ip:${ip}`]);
      } finally {
        raw.disconnect();
      }
    } finally {
      await other.close();
    }
  });

  it('counts in memory when there is no Redis', async () => {
    const local = await startTestServer({ ...limits, REDIS_URL: '' });
    try {
      expect(local.runtime.deps.redis).toBeUndefined();
      const email = await registered(local);
      const ip = newIp();
      for (let i = 0; i < 3; i++) expect((await login(local, ip, email, 'wrong password')).status).toBe(401);
      expectTooMany(await login(local, ip, email, PASSWORD), 15 * 60);
    } finally {
      await local.close();
    }
  });
});

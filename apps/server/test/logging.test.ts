import { sessionIdOf } from '@commerce/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '@commerce/db/testing';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';
import { safeError } from '../src/logging';
import { createUserWithToken, injectRequest, testEnv } from './helpers';

const lines: string[] = [];
let runtime: Runtime;
let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildServer>>;

beforeAll(async () => {
  const env = await testEnv({ LOG_LEVEL: 'info' });
  database = env.database;
  const config = loadConfig(env.env);
  runtime = await createRuntime(config, { logDestination: { write: (line: string) => void lines.push(line) } });
  app = await buildServer({ config, runtime });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await runtime.close();
  await database.drop();
});

it('keeps query parameters out of serialized errors, and keeps what helps debugging', async () => {
  const error = await runtime.deps.db
    .execute(sql`select * from no_such_table where secret = ${'sekrit-param-value'}`)
    .catch((e: unknown) => e);
  const serialized = JSON.stringify(safeError(error));
  expect(serialized).not.toContain('sekrit-param-value');
  expect(serialized).toContain('Failed query');
  expect(serialized).toContain('42P01');
});

it('answers a REST request once: no warning or error is logged for an ordinary call', async () => {
  const before = lines.length;
  for (const path of ['/api/products', '/api/categories', '/api/products/999999']) {
    const res = await injectRequest(app, 'GET', path, { headers: { 'x-request-id': `once-${path}` } });
    expect(res.status).toBeLessThan(500);
  }
  // pino levels: 40 warn, 50 error (Fastify logs "Reply was already sent" at both when a handler answers twice).
  const logged = lines.slice(before).map((line) => JSON.parse(line) as { level: number; msg?: string });
  expect(logged.filter((line) => line.level >= 40)).toEqual([]);
});

it('logs a 500 with its request id but never the bearer token behind it', async () => {
  const { token } = await createUserWithToken(runtime);
  // Break the sessions table in this test's own database: validating the token now fails.
  await runtime.deps.db.execute(sql`alter table sessions rename to sessions_gone`);
  const res = await injectRequest(app, 'GET', '/api/auth/me', { token, headers: { 'x-request-id': 'log-test-1' } });
  expect(res.status).toBe(500);
  expect(res.body.message).toBe('Internal server error');
  const log = lines.join('');
  expect(log).toContain('log-test-1');
  expect(log).toMatch(/"level":50/);
  expect(log).not.toContain(token);
  // Nor the session id the failed query was bound with.
  expect(log).not.toContain(sessionIdOf(token));
  await runtime.deps.db.execute(sql`alter table sessions_gone rename to sessions`);
});

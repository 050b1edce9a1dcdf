import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '@commerce/db/testing';
import { httpRequest, spawnServer, testEnv, type Env } from './helpers';

let env: Env;
let database: TestDatabase;
beforeAll(async () => {
  ({ env, database } = await testEnv({ LOG_LEVEL: 'info', DATABASE_POOL_MAX: '10' }));
});
afterAll(() => database.drop());

it('on SIGTERM finishes in-flight requests, refuses new ones, and exits cleanly', async () => {
  const server = await spawnServer(env);
  let output = '';
  server.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  expect((await httpRequest(server.url, 'GET', '/api/products')).status).toBe(200);

  // Hold a lock on products so that these requests are certainly in flight when SIGTERM lands.
  const blocker = postgres(database.url, { max: 2 });
  const reserved = await blocker.reserve();
  await reserved`begin`;
  await reserved`lock table products in access exclusive mode`;
  const inFlight = Array.from({ length: 5 }, () => httpRequest(server.url, 'GET', '/api/products?limit=50'));
  // Each request reads its page (its count was cached by the first list); once five of the
  // server's connections wait behind the lock, every request has certainly been accepted and is
  // in flight. The server's pool names its connections `commerce …`: whatever the page's SQL.
  await until(async () => {
    const [row] = await blocker`select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and application_name like 'commerce %'`;
    return (row?.n ?? 0) >= 5;
  });

  const exitCode = server.stop();
  // New requests are refused from now on: 503 while closing, then no listener at all.
  let late: Awaited<ReturnType<typeof httpRequest>> | Error | undefined;
  await until(async () => {
    late = await httpRequest(server.url, 'GET', '/health').catch((error: Error) => error);
    return late instanceof Error || late.status === 503;
  });
  await reserved`commit`;
  reserved.release();
  await blocker.end();

  const responses = await Promise.all(inFlight);
  expect(responses.map((r) => r.status)).toEqual(Array(5).fill(200));
  expect(await exitCode, output).toBe(0);
  if (late instanceof Error) expect(String((late.cause as { code?: string } | undefined)?.code)).toMatch(/ECONNREFUSED|ECONNRESET/);
  else expect(late?.status).toBe(503);
  expect(output).toContain('shutting down');
});

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

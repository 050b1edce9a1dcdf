import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestDatabase } from '@commerce/db/testing';
import { httpRequest, spawnServer, testEnv, type Env } from './helpers';

let env: Env;
let database: TestDatabase;
beforeAll(async () => {
  ({ env, database } = await testEnv({ LOG_LEVEL: 'info' }));
});
afterAll(() => database.drop());

it('on SIGTERM finishes in-flight requests, refuses new ones, and exits cleanly', async () => {
  const server = await spawnServer(env);
  let output = '';
  server.child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  expect((await httpRequest(server.url, 'GET', '/api/products')).status).toBe(200);

  // Hold a lock on products so that these requests are certainly in flight when SIGTERM lands.
  const blocker = postgres(database.url, { max: 1 });
  const reserved = await blocker.reserve();
  await reserved`begin`;
  await reserved`lock table products in access exclusive mode`;
  const inFlight = Array.from({ length: 10 }, () => httpRequest(server.url, 'GET', '/api/products?limit=50'));
  await new Promise((resolve) => setTimeout(resolve, 1000));

  const exitCode = server.stop();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const late = await httpRequest(server.url, 'GET', '/health').catch((error: Error) => error);
  await reserved`commit`;
  reserved.release();
  await blocker.end();

  const responses = await Promise.all(inFlight);
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
  expect(await exitCode, output).toBe(0);
  // A request after SIGTERM is refused (503 while closing, or the connection is refused).
  if (!(late instanceof Error)) expect(late.status).toBe(503);
  expect(output).toContain('shutting down');
});

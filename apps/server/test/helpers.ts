import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deleteKeysWithPrefix } from '@commerce/core/testing';
import { createTestDatabase, testKeyPrefix, testRedisUrl, type TestDatabase } from '@commerce/db/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { buildServer } from '../src/app';
import { loadConfig } from '../src/config';
import { createRuntime, type Runtime } from '../src/deps';

export type Env = Record<string, string | undefined>;

export interface TestServer {
  app: FastifyInstance;
  runtime: Runtime;
  database: TestDatabase;
  env: Env;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  /** A raw body string, sent as is (for malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  // Tests assert on the shapes; `any` keeps them short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

/**
 * Environment for a server on its own fresh database and its own Redis key space;
 * `database.drop()` removes both.
 */
export async function testEnv(extra: Env = {}): Promise<{ env: Env; database: TestDatabase }> {
  const created = await createTestDatabase();
  const keyPrefix = testKeyPrefix();
  const env: Env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: created.url,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    // What production insists on, so a test may switch NODE_ENV alone.
    ADMIN_PASSWORD: 'test admin password',
    PAYMENTS_OFFLINE: 'true',
    // The general limits would turn concurrency bursts from one address and user into 429s;
    // rate-limits.test.ts sets them where they are under test.
    RATE_LIMIT_REQUESTS_PER_IP: '0',
    RATE_LIMIT_REQUESTS_PER_USER: '0',
    RATE_LIMIT_ORDERS_PER_USER: '0',
    RATE_LIMIT_PASSWORD_CHANGES_PER_USER: '0',
    RATE_LIMIT_REVIEWS_PER_USER: '0',
    // Likewise the caps on a customer's unpaid orders; pending-limits.test.ts sets them.
    PENDING_ORDERS_PER_CUSTOMER: '0',
    PENDING_UNITS_PER_CUSTOMER: '0',
    ...extra,
  };
  const database: TestDatabase = {
    ...created,
    drop: async () => {
      await created.drop();
      await deleteKeysWithPrefix(testRedisUrl, keyPrefix);
    },
  };
  return { env, database };
}

/** The real Fastify app on a fresh Postgres database and the real Redis; requests go through inject. */
export async function startTestServer(extra: Env = {}): Promise<TestServer> {
  const { env, database } = await testEnv(extra);
  const config = loadConfig(env);
  const runtime = await createRuntime(config);
  const app = await buildServer({ config, runtime });
  await app.ready();
  return {
    app,
    runtime,
    database,
    env,
    request: (method, path, options = {}) => injectRequest(app, method, path, options),
    close: async () => {
      await app.close();
      await runtime.close();
      await database.drop();
    },
  };
}

/** The headers (bearer token, JSON content type) and body string a request sends. */
function requestParts(options: RequestOptions): { headers: Record<string, string>; payload: string | undefined } {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  return { headers, payload };
}

/**
 * API.md: every 409 carries a stable `reason` a storefront can branch on. Checked on every
 * response every test sees, so a new conflict without one fails whichever test meets it.
 */
function checkConflictReason(status: number, body: unknown): void {
  if (status !== 409) return;
  // REST bodies carry it at the top, tRPC answers in their error envelope.
  const shape = body as { reason?: unknown; error?: { reason?: unknown } } | undefined;
  const reason = shape?.reason ?? shape?.error?.reason;
  if (typeof reason !== 'string' || !/^[a-z]+(_[a-z]+)*$/.test(reason)) {
    throw new Error(`a 409 without a snake_case reason: ${JSON.stringify(body)}`);
  }
}

/** A response body parsed as JSON; undefined when empty, the text itself when not JSON. */
function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function injectRequest(
  app: FastifyInstance,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<TestResponse> {
  const { headers, payload } = requestParts(options);
  const response = await app.inject({
    method: method as 'GET',
    url: path,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
  const body = parseBody(response.body);
  checkConflictReason(response.statusCode, body);
  return { status: response.statusCode, body, headers: response.headers };
}

const serverEntry = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends SIGTERM and waits for the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the real server entry point in a child process (for multi-process and shutdown tests). */
export async function spawnServer(env: Env): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverEntry], {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', COMMERCE_PRINT_ADDRESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** fetch against a spawned server, parsing JSON. */
export async function httpRequest(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const { headers, payload } = requestParts(options);
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const body = parseBody(await response.text());
  checkConflictReason(response.status, body);
  return { status: response.status, body, headers: Object.fromEntries(response.headers.entries()) };
}

let userCounter = 0;

/**
 * A user of the given role with a live session token, made directly in the database
 * (no password login): for tests of other capabilities that just need a signed-in caller.
 */
export async function createUserWithToken(
  runtime: Runtime,
  role: 'customer' | 'staff' | 'admin' = 'customer',
): Promise<{ userId: number; email: string; token: string }> {
  const { users } = await import('@commerce/db');
  const { issueSession } = await import('@commerce/core');
  userCounter += 1;
  const email = `${role}-${process.pid}-${userCounter}-${Date.now()}@example.test`;
  const [user] = await runtime.deps.db
    .insert(users)
    .values({ email, passwordHash: 'not-a-hash: this user cannot log in with a password', role })
    .returning({ id: users.id });
  const { token } = await issueSession(runtime.deps, runtime.deps.db, user!.id);
  return { userId: user!.id, email, token };
}

/** A 429 whose Retry-After asks for 1 to `maxSeconds` seconds. */
export function expectTooMany(res: TestResponse, maxSeconds: number) {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

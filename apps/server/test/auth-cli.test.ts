import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD } from './auth-helpers';
import { startTestServer, type Env, type TestServer } from './helpers';

const cliEntry = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Runs `cli create-admin` against the test server's database; answers its exit code and output. */
function createAdmin(env: Env, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, 'create-admin', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const login = (email: string, password: string) =>
  server.request('POST', '/api/auth/login', { body: { email, password } });

it('refuses bad arguments with a clear message and exit code 1', async () => {
  const bad = await createAdmin(server.env, '--email', 'not-an-email', '--password', 'short');
  expect(bad.code).toBe(1);
  expect(bad.output).toMatch(/--email: Enter a valid email address/);
  expect(bad.output).toMatch(/--password: Password must be at least 8 characters/);
  const missing = await createAdmin(server.env, '--email', 'x@example.test');
  expect(missing.code).toBe(1);
  expect(missing.output).toMatch(/needs --email and --password/);
});

it('creates an admin, then promotes nothing twice; promotes an existing user keeping their password', async () => {
  const created = await createAdmin(server.env, '--email', ' Root@Example.test ', '--password', 'root password 1');
  expect(created.output).toMatch(/Created admin root@example\.test/);
  expect(created.code).toBe(0);
  const again = await createAdmin(server.env, '--email', 'root@example.test', '--password', 'another password');
  expect(again.code).toBe(0);
  const rootLogin = await login('root@example.test', 'root password 1');
  expect(rootLogin.body.user.role).toBe('admin');

  const email = `promote-${Date.now()}@example.test`;
  const registered = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } });
  expect((await server.request('GET', '/api/users', { token: registered.body.token })).status).toBe(403);
  const promoted = await createAdmin(server.env, '--email', email.toUpperCase(), '--password', 'ignored password');
  expect(promoted.code).toBe(0);
  expect(promoted.output).toMatch(/is an admin/);
  // the running server sees it on the next request; the password is the user's own
  expect((await server.request('GET', '/api/users', { token: registered.body.token })).status).toBe(200);
  expect((await login(email, PASSWORD)).status).toBe(200);
});

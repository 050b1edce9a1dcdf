import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PASSWORD } from './auth-helpers';
import { createUserWithToken, startTestServer, type Env, type TestServer } from './helpers';

const cliEntry = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Runs the cli against the test server's database; answers its exit code and output. */
function runCli(env: Env, command: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, command, ...args], {
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

const createAdmin = (env: Env, ...args: string[]) => runCli(env, 'create-admin', ...args);

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

it('creates an admin; again with the same password changes nothing; with another one resets it', async () => {
  const created = await createAdmin(server.env, '--email', ' Root@Example.test ', '--password', 'root password 1');
  expect(created.output).toMatch(/Created admin root@example\.test/);
  expect(created.code).toBe(0);
  const rootLogin = await login('root@example.test', 'root password 1');
  expect(rootLogin.body.user.role).toBe('admin');
  const token = rootLogin.body.token as string;

  const again = await createAdmin(server.env, '--email', 'root@example.test', '--password', 'root password 1');
  expect(again.code).toBe(0);
  expect(again.output).toMatch(/nothing changed/);
  expect((await server.request('GET', '/api/auth/me', { token })).status).toBe(200);

  const reset = await createAdmin(server.env, '--email', 'root@example.test', '--password', 'another password');
  expect(reset.code).toBe(0);
  expect(reset.output).toMatch(/password was reset/);
  expect(reset.output).not.toMatch(/another password/);
  expect((await server.request('GET', '/api/auth/me', { token })).status).toBe(401);
  expect((await login('root@example.test', 'root password 1')).status).toBe(401);
  expect((await login('root@example.test', 'another password')).status).toBe(200);
});

it('promotes an existing user with the given password and revokes their sessions', async () => {
  const email = `promote-${Date.now()}@example.test`;
  const registered = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } });
  const token = registered.body.token as string;
  expect((await server.request('GET', '/api/users', { token })).status).toBe(403);
  const promoted = await createAdmin(server.env, '--email', email.toUpperCase(), '--password', 'operator password');
  expect(promoted.code).toBe(0);
  expect(promoted.output).toMatch(/Made .* an admin \(was customer\) and set its password/);
  // the running server sees it on the next request: the old session is gone
  expect((await server.request('GET', '/api/users', { token })).status).toBe(401);
  expect((await login(email, PASSWORD)).status).toBe(401);
  const fresh = await login(email, 'operator password');
  expect(fresh.status).toBe(200);
  expect(fresh.body.user.role).toBe('admin');
  expect((await server.request('GET', '/api/users', { token: fresh.body.token })).status).toBe(200);
});

it('setup never hands ADMIN_EMAIL to an account someone registered first, and keeps its password', async () => {
  const email = `squatter-${Date.now()}@example.test`;
  const registered = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } });
  expect(registered.status).toBe(200);
  const setup = await runCli({ ...server.env, ADMIN_EMAIL: email, ADMIN_PASSWORD: 'configured admin password' }, 'setup');
  expect(setup.code).toBe(0);
  expect(setup.output).toContain(`Warning: ${email} exists with role customer and was not made an admin`);
  expect(setup.output).not.toMatch(/configured admin password/);
  const own = await login(email, PASSWORD);
  expect(own.status).toBe(200);
  expect(own.body.user.role).toBe('customer');
  expect((await login(email, 'configured admin password')).status).toBe(401);
  expect((await server.request('GET', '/api/users', { token: registered.body.token })).status).toBe(403);
});

it('setup respects a demotion and warns about a configured password that differs, without printing it', async () => {
  const email = `demoted-${Date.now()}@example.test`;
  const env = { ...server.env, ADMIN_EMAIL: email, ADMIN_PASSWORD: 'configured admin password' };
  const first = await runCli(env, 'setup');
  expect(first.code).toBe(0);
  expect(first.output).toContain(`Admin account: ${email} (created)`);

  const changed = await runCli({ ...env, ADMIN_PASSWORD: 'changed admin password' }, 'setup');
  expect(changed.code).toBe(0);
  expect(changed.output).toContain(
    `Warning: ADMIN_PASSWORD does not match the stored password for ${email}; the stored password stays. Use \`cli create-admin\` to reset it.`,
  );
  expect(changed.output).not.toMatch(/changed admin password/);
  expect((await login(email, 'configured admin password')).status).toBe(200);
  expect((await login(email, 'changed admin password')).status).toBe(401);

  const other = await createUserWithToken(server.runtime, 'admin');
  const [user] = (await server.request('GET', `/api/users?q=${encodeURIComponent(email)}`, { token: other.token })).body.items;
  const demote = await server.request('PUT', `/api/users/${user.id}/role`, { token: other.token, body: { role: 'staff' } });
  expect(demote.status).toBe(200);
  const after = await runCli(env, 'setup');
  expect(after.code).toBe(0);
  expect(after.output).toContain(`Warning: ${email} exists with role staff and was not made an admin`);
  expect((await login(email, 'configured admin password')).body.user.role).toBe('staff');
});

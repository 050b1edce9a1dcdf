import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { deleteKeysWithPrefix } from '@commerce/core/testing';
import { createTestDatabase, testKeyPrefix, testRedisUrl } from '@commerce/db/testing';
import { admin, adminPort, adminUrl, apiPort, apiUrl } from './stack';

const require = createRequire(import.meta.url);
const adminDir = fileURLToPath(new URL('..', import.meta.url));
const serverDir = fileURLToPath(new URL('../../server', import.meta.url));

async function waitFor(url: string, child: ChildProcess, output: () => string): Promise<void> {
  // Generous: the machine is shared, and a cold tsx start under load takes minutes.
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not answer in time\n${output()}`);
}

function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  let output = '';
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
  return { child, output: () => output.slice(-4000) };
}

/**
 * The real stack on a fresh database: migrate and seed it (sample catalog, demo orders, the
 * admin), start the API server and the built admin app, and tear all of it down afterwards.
 */
export default async function globalSetup() {
  if (!existsSync(`${adminDir}/.next/BUILD_ID`)) throw new Error('Build the admin first: pnpm --filter @commerce/admin build');
  const database = await createTestDatabase();
  const keyPrefix = testKeyPrefix();
  const cleanUp = async () => {
    await database.drop();
    await deleteKeysWithPrefix(testRedisUrl, keyPrefix);
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '5',
    REDIS_URL: testRedisUrl,
    REDIS_KEY_PREFIX: keyPrefix,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    CORS_ORIGINS: adminUrl,
    CATALOG_CACHE_SECONDS: '0',
    // Webhook specs deliver to receivers on 127.0.0.1.
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    OUTBOX_POLL_MS: '200',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
  };
  const setup = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'setup'], { cwd: serverDir, env, encoding: 'utf8' });
  if (setup.status !== 0) {
    await cleanUp();
    throw new Error(`seeding failed:\n${setup.stdout}\n${setup.stderr}`);
  }

  const server = start(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: serverDir, env });
  const next = start(process.execPath, [require.resolve('next/dist/bin/next'), 'start', '-p', String(adminPort), '-H', '127.0.0.1'], {
    cwd: adminDir,
    env: { ...process.env, COMMERCE_API_URL: apiUrl, NEXT_TELEMETRY_DISABLED: '1' },
  });
  try {
    await waitFor(`${apiUrl}/health`, server.child, server.output);
    await waitFor(`${adminUrl}/login`, next.child, next.output);
  } catch (error) {
    server.child.kill('SIGTERM');
    next.child.kill('SIGTERM');
    await cleanUp();
    throw error;
  }

  return async () => {
    const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
    next.child.kill('SIGTERM');
    server.child.kill('SIGTERM');
    await Promise.all([exited(next.child), exited(server.child)]);
    await cleanUp();
  };
}

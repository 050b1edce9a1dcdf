import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { migratePostgresUrl, migrationsFolder } from './migrate';

/** The server tests talk to: TEST_DATABASE_URL, else the local Postgres. */
export const testServerUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Redis for tests: TEST_REDIS_URL, else the local one. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

// Every database these helpers make carries this prefix; they never touch any other.
const PREFIX = 'commerce_t_';
const TEMPLATE_LOCK_ID = 727_002;

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsFolder).sort()) {
    if (file.endsWith('.sql')) hash.update(file).update(readFileSync(join(migrationsFolder, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** A template database migrated to the current schema; made once per schema version. */
async function ensureTemplate(admin: postgres.Sql): Promise<string> {
  const template = `${PREFIX}tpl_${migrationsHash()}`;
  await admin`select pg_advisory_lock(${TEMPLATE_LOCK_ID})`;
  try {
    const [found] = await admin`select 1 from pg_database where datname = ${template}`;
    if (!found) {
      const building = `${template}_build`;
      await admin.unsafe(`drop database if exists "${building}"`);
      await admin.unsafe(`create database "${building}"`);
      await migratePostgresUrl(withDatabase(testServerUrl, building));
      await admin.unsafe(`alter database "${building}" rename to "${template}"`);
    }
    // Templates of other schema versions are left alone: another checkout (a branch, a worktree)
    // running its tests at the same time may be cloning from one this instant.
  } finally {
    await admin`select pg_advisory_unlock(${TEMPLATE_LOCK_ID})`;
  }
  return template;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const admin = postgres(testServerUrl, { max: 1, onnotice: () => {} });
  try {
    const template = await ensureTemplate(admin);
    const name = `${PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.unsafe(`create database "${name}" template "${template}"`);
    return {
      name,
      url: withDatabase(testServerUrl, name),
      drop: async () => {
        const cleanup = postgres(testServerUrl, { max: 1, onnotice: () => {} });
        try {
          await cleanup.unsafe(`drop database if exists "${name}" with (force)`);
        } finally {
          await cleanup.end({ timeout: 5 });
        }
      },
    };
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** A key prefix so that test files sharing one Redis never see each other's keys. */
export function testKeyPrefix(): string {
  return `test:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

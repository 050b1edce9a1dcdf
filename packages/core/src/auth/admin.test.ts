import { users } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createTestDeps } from '../testing';
import { login, register } from './accounts';
import { ensureAdmin } from './admin';
import { resolveViewer } from './sessions';

let deps: Deps;
let close: () => Promise<void>;
const meta = { ip: '192.0.2.1' };

beforeAll(async () => {
  ({ deps, close } = await createTestDeps());
});
afterAll(() => close());

const rowsFor = (email: string) => deps.db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));

describe('ensureAdmin', () => {
  it('creates the admin once, however many processes ask at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensureAdmin(deps, 'First@Example.test', 'first password')),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const rows = await rowsFor('first@example.test');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'first@example.test', role: 'admin' });
    const session = await login(deps, { email: 'first@example.test', password: 'first password' }, meta);
    expect(session.user.role).toBe('admin');
    expect(await ensureAdmin(deps, 'first@example.test', 'first password')).toEqual({ created: false });
  });

  it('promotes an existing user, keeps their password, and their live session sees it at once', async () => {
    const { token, user } = await register(deps, { email: 'promoted@example.test', password: 'their own pw', name: null }, meta);
    expect(await resolveViewer(deps, token)).toEqual({ userId: user.id, role: 'customer' });
    expect(await ensureAdmin(deps, ' PROMOTED@example.test ', 'some other password')).toEqual({ created: false });
    expect(await resolveViewer(deps, token)).toEqual({ userId: user.id, role: 'admin' });
    await expect(login(deps, { email: 'promoted@example.test', password: 'their own pw' }, meta)).resolves.toBeDefined();
    await expect(
      login(deps, { email: 'promoted@example.test', password: 'some other password' }, meta),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses invalid credentials with a clear BAD_REQUEST', async () => {
    const error = await ensureAdmin(deps, 'nope', 'short').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect((error as Error).message).toMatch(/email: .*password: /);
  });
});

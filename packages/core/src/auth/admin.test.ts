import { users } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { createTestDeps, expectedViewer } from '../testing';
import { login, register } from './accounts';
import { ensureAdmin, ensureAdminWarning } from './admin';
import { resolveViewer } from './sessions';
import { setUserRole } from './users';

let deps: Deps;
let close: () => Promise<void>;
const meta = { ip: '192.0.2.1' };

beforeAll(async () => {
  ({ deps, close } = await createTestDeps());
});
afterAll(() => close());

const rowsFor = (email: string) => deps.db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
const roleOf = async (email: string) => (await rowsFor(email))[0]?.role;
const canLogin = (email: string, password: string) =>
  login(deps, { email, password }, meta).then(
    () => true,
    (error: unknown) => {
      expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
      return false;
    },
  );

describe('ensureAdmin in bootstrap mode (start-up, seed, setup)', () => {
  it('creates the admin once, however many processes ask at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => ensureAdmin(deps, 'First@Example.test', 'first password', 'bootstrap')),
    );
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'unchanged')).toHaveLength(7);
    const rows = await rowsFor('first@example.test');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ email: 'first@example.test', role: 'admin' });
    const session = await login(deps, { email: 'first@example.test', password: 'first password' }, meta);
    expect(session.user.role).toBe('admin');
    const again = await ensureAdmin(deps, 'first@example.test', 'first password', 'bootstrap');
    expect(again).toEqual({ outcome: 'unchanged', email: 'first@example.test', userId: rows[0]!.id });
    expect(ensureAdminWarning(again)).toBeNull();
  });

  it('does not promote an account someone registered with the admin email, nor take over its password', async () => {
    const email = 'squatter@example.test';
    const { token, user } = await register(deps, { email, password: 'squatter pw 1', name: null }, meta);
    const result = await ensureAdmin(deps, ' SQUATTER@example.test ', 'configured admin pw', 'bootstrap');
    expect(result).toEqual({ outcome: 'not-admin', email, userId: user.id, role: 'customer' });
    expect(await roleOf(email)).toBe('customer');
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, user.id, 'customer'));
    expect(await canLogin(email, 'squatter pw 1')).toBe(true);
    expect(await canLogin(email, 'configured admin pw')).toBe(false);
    const warning = ensureAdminWarning(result);
    expect(warning).toMatch(/squatter@example\.test/);
    expect(warning).toMatch(/create-admin/);
    expect(warning).not.toMatch(/configured admin pw/);
  });

  it('respects a demotion: a demoted admin stays demoted at the next start', async () => {
    const email = 'demoted@example.test';
    const created = await ensureAdmin(deps, email, 'demoted admin pw', 'bootstrap');
    expect(created.outcome).toBe('created');
    const other = await ensureAdmin(deps, 'other-admin@example.test', 'other admin pw', 'bootstrap');
    await setUserRole(deps, { userId: other.userId, role: 'admin' }, { id: created.userId, role: 'staff' });
    const result = await ensureAdmin(deps, email, 'demoted admin pw', 'bootstrap');
    expect(result).toEqual({ outcome: 'not-admin', email, userId: created.userId, role: 'staff' });
    expect(await roleOf(email)).toBe('staff');
  });

  it('leaves the stored password when the configured one differs, and reports it without the password', async () => {
    const email = 'mismatch@example.test';
    const created = await ensureAdmin(deps, email, 'the first password', 'bootstrap');
    const result = await ensureAdmin(deps, email, 'a changed password', 'bootstrap');
    expect(result).toEqual({ outcome: 'password-mismatch', email, userId: created.userId });
    expect(await roleOf(email)).toBe('admin');
    expect(await canLogin(email, 'the first password')).toBe(true);
    expect(await canLogin(email, 'a changed password')).toBe(false);
    const warning = ensureAdminWarning(result);
    expect(warning).toBe(
      'ADMIN_PASSWORD does not match the stored password for mismatch@example.test; the stored password stays. Use `cli create-admin` to reset it.',
    );
    expect(warning).not.toMatch(/changed password|first password/);
  });
});

describe('ensureAdmin in explicit mode (cli create-admin)', () => {
  it('creates an admin, and a second run with the same credentials changes nothing', async () => {
    const email = 'explicit-new@example.test';
    const created = await ensureAdmin(deps, email, 'explicit pw 1', 'explicit');
    expect(created).toMatchObject({ outcome: 'created', email });
    const { token } = await login(deps, { email, password: 'explicit pw 1' }, meta);
    expect(await ensureAdmin(deps, email, 'explicit pw 1', 'explicit')).toEqual({
      outcome: 'unchanged',
      email,
      userId: created.userId,
    });
    // idempotent: nobody was signed out
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, created.userId, 'admin'));
  });

  it('promotes an existing user, sets the given password and revokes their sessions, cached ones too', async () => {
    const email = 'promoted@example.test';
    const { token, user } = await register(deps, { email, password: 'their own pw', name: null }, meta);
    // cached now: the revocation must reach the cache, not just the database
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, user.id, 'customer'));
    const result = await ensureAdmin(deps, ' PROMOTED@example.test ', 'operator chosen pw', 'explicit');
    expect(result).toEqual({ outcome: 'promoted', email, userId: user.id, previousRole: 'customer' });
    expect(ensureAdminWarning(result)).toBeNull();
    expect(await resolveViewer(deps, token)).toBeNull();
    expect(await roleOf(email)).toBe('admin');
    expect(await canLogin(email, 'their own pw')).toBe(false);
    expect(await canLogin(email, 'operator chosen pw')).toBe(true);
  });

  it('promotes a demoted admin again, and resets the password of an admin whose password differs', async () => {
    const email = 'reset@example.test';
    const created = await ensureAdmin(deps, email, 'forgotten password', 'bootstrap');
    const { token } = await login(deps, { email, password: 'forgotten password' }, meta);
    expect(await resolveViewer(deps, token)).toEqual(await expectedViewer(deps.db, created.userId, 'admin'));
    const reset = await ensureAdmin(deps, email, 'a brand new password', 'explicit');
    expect(reset).toEqual({ outcome: 'password-reset', email, userId: created.userId });
    expect(await resolveViewer(deps, token)).toBeNull();
    expect(await canLogin(email, 'forgotten password')).toBe(false);
    expect(await canLogin(email, 'a brand new password')).toBe(true);
    // the next start with the new password is content
    expect((await ensureAdmin(deps, email, 'a brand new password', 'bootstrap')).outcome).toBe('unchanged');

    const other = await ensureAdmin(deps, 'other-admin@example.test', 'other admin pw', 'bootstrap');
    await setUserRole(deps, { userId: other.userId, role: 'admin' }, { id: created.userId, role: 'customer' });
    const promoted = await ensureAdmin(deps, email, 'a brand new password', 'explicit');
    expect(promoted).toMatchObject({ outcome: 'promoted', previousRole: 'customer' });
    expect(await roleOf(email)).toBe('admin');
  });

  it('gives exactly one account when create-admin and start-up race for a new email', async () => {
    const email = 'race@example.test';
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => ensureAdmin(deps, email, 'race password', i % 2 ? 'explicit' : 'bootstrap')),
    );
    expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
    expect(results.every((r) => r.outcome === 'created' || r.outcome === 'unchanged')).toBe(true);
    expect(await rowsFor(email)).toHaveLength(1);
    expect(await roleOf(email)).toBe('admin');
  });
});

describe('ensureAdmin input', () => {
  it('refuses invalid credentials with a clear BAD_REQUEST', async () => {
    for (const mode of ['bootstrap', 'explicit'] as const) {
      const error = await ensureAdmin(deps, 'nope', 'short', mode).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
      expect((error as Error).message).toMatch(/email: .*password: /);
    }
  });
});

import { queryRows, users, type Database, type Transaction, type UserRole } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { hashPassword, verifyPassword } from './passwords';
import { adminCredentialsInput } from './schemas';
import { transaction } from '../transaction';
import { revokeUserSessions } from './sessions';

/**
 * - `bootstrap`: what start-up and `seed`/`setup` do with ADMIN_EMAIL/ADMIN_PASSWORD. Creates the
 *   admin when nobody has that email, and otherwise changes nothing: an account someone else
 *   registered with that email is not handed the admin role, a demotion by another admin stays,
 *   and a stored password is never overwritten.
 * - `explicit`: an operator's `cli create-admin`. Creates the admin, or makes the user with that
 *   email an admin with exactly this password (their sessions are revoked, since the
 *   credentials changed).
 */
export type EnsureAdminMode = 'bootstrap' | 'explicit';

export type EnsureAdminResult =
  /** No user had the email: an admin with the given password was created. */
  | { outcome: 'created'; email: string; userId: number }
  /** The user is an admin whose password is the given one: nothing changed. */
  | { outcome: 'unchanged'; email: string; userId: number }
  /** explicit: the user was not an admin; now is, with the given password, and signed out everywhere. */
  | { outcome: 'promoted'; email: string; userId: number; previousRole: UserRole }
  /** explicit: the user was an admin with another password; it is now the given one, and they are signed out everywhere. */
  | { outcome: 'password-reset'; email: string; userId: number }
  /** bootstrap: the user is an admin, but the given password is not theirs; the stored one stays. */
  | { outcome: 'password-mismatch'; email: string; userId: number }
  /** bootstrap: the user exists and is not an admin; nothing changed. */
  | { outcome: 'not-admin'; email: string; userId: number; role: UserRole };

/** The line to log for an outcome that needs an operator's attention (never holds the password), or null. */
export function ensureAdminWarning(result: EnsureAdminResult): string | null {
  switch (result.outcome) {
    case 'password-mismatch':
      return `ADMIN_PASSWORD does not match the stored password for ${result.email}; the stored password stays. Use \`cli create-admin\` to reset it.`;
    case 'not-admin':
      return `${result.email} exists with role ${result.role} and was not made an admin at start-up (an account someone registered, or an admin demoted on purpose). Use \`cli create-admin\` to make it the admin and set its password.`;
    default:
      return null;
  }
}

const sameEmail = (email: string) => eq(sql`lower(${users.email})`, email.toLowerCase());

/**
 * Makes sure the configured or requested admin exists; see EnsureAdminMode for what each mode
 * may change. Creating is one insert that does nothing on a taken email, so two processes
 * starting together make exactly one account and neither fails on the unique index.
 */
export async function ensureAdmin(
  deps: Deps,
  email: string,
  password: string,
  mode: EnsureAdminMode,
): Promise<EnsureAdminResult> {
  const parsed = adminCredentialsInput.safeParse({ email, password });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AppError('BAD_REQUEST', `Invalid admin credentials (${problems.join('; ')})`);
  }
  const credentials = parsed.data;
  const passwordHash = await hashPassword(credentials.password);
  // A user deleted between the insert and the read is simply created on the next pass.
  for (let attempt = 0; attempt < 3; attempt++) {
    const result =
      mode === 'explicit'
        ? await explicitAdmin(deps, credentials.email, credentials.password, passwordHash)
        : await bootstrapAdmin(deps, credentials.email, credentials.password, passwordHash);
    if (result) return result;
  }
  throw new AppError('ACCOUNT_BUSY', `The account ${credentials.email} keeps changing: try again`);
}

/** Inserts the admin unless the email is taken (waiting for a concurrent insert to settle); answers the new id. */
async function insertAdmin(db: Database | Transaction, email: string, passwordHash: string): Promise<number | null> {
  const [row] = await queryRows<{ id: number }>(
    db as Database,
    sql`insert into ${users} (email, password_hash, role)
        values (${email}, ${passwordHash}, 'admin')
        on conflict ((lower(email))) do nothing
        returning id`,
  );
  return row ? Number(row.id) : null;
}

async function bootstrapAdmin(
  deps: Deps,
  email: string,
  password: string,
  passwordHash: string,
): Promise<EnsureAdminResult | null> {
  const createdId = await insertAdmin(deps.db, email, passwordHash);
  if (createdId !== null) return { outcome: 'created', email, userId: createdId };
  const [user] = await deps.db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(sameEmail(email))
    .limit(1);
  if (!user) return null;
  if (user.role !== 'admin') return { outcome: 'not-admin', email, userId: user.id, role: user.role };
  if (!(await verifyPassword(user.passwordHash, password))) return { outcome: 'password-mismatch', email, userId: user.id };
  return { outcome: 'unchanged', email, userId: user.id };
}

async function explicitAdmin(
  deps: Deps,
  email: string,
  password: string,
  passwordHash: string,
): Promise<EnsureAdminResult | null> {
  return transaction(deps, async (tx) => {
    const createdId = await insertAdmin(tx, email, passwordHash);
    if (createdId !== null) return { outcome: 'created', email, userId: createdId };
    // Locked: a concurrent role change or create-admin for this user waits for this one.
    const [user] = await tx
      .select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
      .from(users)
      .where(sameEmail(email))
      .for('update');
    if (!user) return null;
    if (user.role === 'admin' && (await verifyPassword(user.passwordHash, password))) {
      return { outcome: 'unchanged', email, userId: user.id };
    }
    await tx.update(users).set({ role: 'admin', passwordHash }).where(eq(users.id, user.id));
    await revokeUserSessions(deps, tx, user.id);
    return user.role === 'admin'
      ? { outcome: 'password-reset', email, userId: user.id }
      : { outcome: 'promoted', email, userId: user.id, previousRole: user.role };
  });
}

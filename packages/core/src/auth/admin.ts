import { queryRows, users } from '@commerce/db';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { hashPassword } from './passwords';
import { adminCredentialsInput } from './schemas';
import { forgetUserSessions } from './sessions';

/**
 * Makes sure an admin with this email exists: creates one, or promotes the user who has that
 * email (keeping their password). Idempotent, and one statement, so two processes starting
 * together cannot create two accounts or fail on the unique index.
 */
export async function ensureAdmin(deps: Deps, email: string, password: string): Promise<{ created: boolean }> {
  const parsed = adminCredentialsInput.safeParse({ email, password });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new AppError('BAD_REQUEST', `Invalid admin credentials (${problems.join('; ')})`);
  }
  const passwordHash = await hashPassword(parsed.data.password);
  // Nothing comes back when the user is an admin already; xmax = 0 marks a freshly inserted row.
  const [row] = await queryRows<{ id: number; created: boolean }>(
    deps.db,
    sql`insert into ${users} (email, password_hash, role)
        values (${parsed.data.email}, ${passwordHash}, 'admin')
        on conflict ((lower(email))) do update set role = 'admin' where ${users}.role <> 'admin'
        returning id, (xmax = 0) as created`,
  );
  if (!row) return { created: false };
  if (!row.created) await forgetUserSessions(deps, Number(row.id));
  return { created: Boolean(row.created) };
}

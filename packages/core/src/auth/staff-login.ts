import { users } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { publicUserColumns, toUserDto, type AuthRequestMeta } from './accounts';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords';
import { takeLoginAttempt } from './rate-limit';
import type { AuthDto, LoginInput } from './schemas';
import { issueSession } from './sessions';

export const CUSTOMER_IN_ADMIN =
  'This is a customer account. The admin is for staff and admins only: ask an admin for access, or shop on the storefront.';

/**
 * The admin's sign-in: like `login`, with the same limits and the same generic 401, but a
 * customer is refused before any session exists, so nothing they could keep is ever issued.
 */
export async function staffLogin(deps: Deps, input: LoginInput, meta: AuthRequestMeta): Promise<AuthDto> {
  const attempt = await takeLoginAttempt(deps, meta.ip, input.email);
  const [found] = await deps.db
    .select({ ...publicUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()))
    .limit(1);
  const valid = await verifyPassword(found?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password);
  if (!found || !valid) throw new AppError('UNAUTHORIZED', 'Invalid email or password');
  await attempt.succeeded();
  if (found.role === 'customer') throw new AppError('FORBIDDEN', CUSTOMER_IN_ADMIN);
  const session = await issueSession(deps, deps.db, found.id);
  return { user: toUserDto(found), token: session.token, expiresAt: session.expiresAt.toISOString() };
}

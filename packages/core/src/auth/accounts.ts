import { users } from '@commerce/db';
import { eq, sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError, pgErrorCode, PG_UNIQUE_VIOLATION } from '../errors';
import type { Viewer } from '../viewer';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords';
import { takeLoginAttempt, takeRegistrationAttempt } from './rate-limit';
import type { AuthDto, LoginInput, RegisterInput, TokenDto, UserDto } from './schemas';
import { transaction } from '../transaction';
import { issueSession, takeSession, type IssuedSession } from './sessions';

/** Where a request came from, for per-address limits. */
export interface AuthRequestMeta {
  ip: string;
}

type UserRow = Pick<typeof users.$inferSelect, 'id' | 'email' | 'name' | 'role' | 'createdAt'>;

/** The public columns of a user: never the password hash. */
export const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
};

export function toUserDto(row: UserRow): UserDto {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt.toISOString() };
}

const tokenDto = (session: IssuedSession): TokenDto => ({
  token: session.token,
  expiresAt: session.expiresAt.toISOString(),
});

const WRONG_CREDENTIALS = 'Invalid email or password';
const EMAIL_TAKEN = 'An account with this email already exists';
const SIGNED_OUT = 'Sign in first: the token is missing, expired or revoked';

/** Compares emails the way the unique index does. */
const sameEmail = (email: string) => eq(sql`lower(${users.email})`, email.toLowerCase());

/** Creates a customer account and signs it in. */
export async function register(deps: Deps, input: RegisterInput, meta: AuthRequestMeta): Promise<AuthDto> {
  await takeRegistrationAttempt(deps, meta.ip);
  const passwordHash = await hashPassword(input.password);
  try {
    return await deps.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email, name: input.name, passwordHash, role: 'customer' })
        .returning(publicUserColumns);
      const session = await issueSession(deps, tx, user!.id);
      return { user: toUserDto(user!), ...tokenDto(session) };
    });
  } catch (error) {
    if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw new AppError('EMAIL_TAKEN', EMAIL_TAKEN, { field: 'email' });
    throw error;
  }
}

/** Checks a password and opens a session. Every wrong combination gets the same 401. */
export async function login(deps: Deps, input: LoginInput, meta: AuthRequestMeta): Promise<AuthDto> {
  const attempt = await takeLoginAttempt(deps, meta.ip, input.email);
  const [found] = await deps.db
    .select({ ...publicUserColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(sameEmail(input.email))
    .limit(1);
  // An unknown email still spends one hash verification, so timing does not tell which emails exist.
  const valid = await verifyPassword(found?.passwordHash ?? DUMMY_PASSWORD_HASH, input.password);
  if (!found || !valid) throw new AppError('UNAUTHORIZED', WRONG_CREDENTIALS);
  await attempt.succeeded();
  const session = await issueSession(deps, deps.db, found.id);
  return { user: toUserDto(found), ...tokenDto(session) };
}

/** Swaps a live token for a new one; the old one stops working at once. */
export async function refreshSession(deps: Deps, token: string): Promise<TokenDto> {
  const session = await transaction(deps, async (tx) => {
    const userId = await takeSession(deps, tx, token);
    // Gone already: revoked, expired, or a concurrent refresh of the same token won.
    if (userId === null) throw new AppError('UNAUTHORIZED', SIGNED_OUT);
    return issueSession(deps, tx, userId);
  });
  return tokenDto(session);
}

/** Revokes the token. Succeeds for a token that is already gone, so a retried logout is harmless. */
export async function logout(deps: Deps, token: string): Promise<{ success: true }> {
  await transaction(deps, (tx) => takeSession(deps, tx, token));
  return { success: true };
}

export async function getMe(deps: Deps, viewer: Viewer): Promise<UserDto> {
  if (!viewer) throw new AppError('UNAUTHORIZED', SIGNED_OUT);
  // Resolved with the session (and dropped from its cache by every change to it): no query.
  if (viewer.profile) return { id: viewer.userId, role: viewer.role, ...viewer.profile };
  const [user] = await deps.db.select(publicUserColumns).from(users).where(eq(users.id, viewer.userId));
  if (!user) throw new AppError('UNAUTHORIZED', SIGNED_OUT);
  return toUserDto(user);
}

import { addresses, carts, idempotencyKeys, orders, sessions, users, wishlistItems } from '@commerce/db';
import { and, eq, ne, sql } from 'drizzle-orm';
import { publicUserColumns, toUserDto } from '../auth/accounts';
import { hashPassword, verifyPassword } from '../auth/passwords';
import type { UserDto } from '../auth/schemas';
import { forgetUserSessionsAfterCommit, revokeUserSessions, sessionIdOf } from '../auth/sessions';
import { catalogChanged } from '../catalog/version';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { transaction } from '../transaction';
import { signedInUserId, type Viewer } from '../viewer';
import type { ChangePasswordInput, CloseAccountInput, UpdateProfileInput } from './schemas';

const SIGNED_OUT = 'Sign in first: the token is missing, expired or revoked';
const WRONG_PASSWORD = 'The password is wrong';

/** PUT /api/auth/me: the name (null clears it). */
export async function updateProfile(deps: Deps, viewer: Viewer, input: UpdateProfileInput): Promise<UserDto> {
  const userId = signedInUserId(viewer, SIGNED_OUT);
  const user = await transaction(deps, async (tx) => {
    const [updated] = await tx.update(users).set({ name: input.name }).where(eq(users.id, userId)).returning(publicUserColumns);
    // Sessions carry the name (GET /auth/me answers from them): every cached one goes.
    if (updated) forgetUserSessionsAfterCommit(deps, tx, userId);
    return updated;
  });
  if (!user) throw new AppError('UNAUTHORIZED', SIGNED_OUT);
  return toUserDto(user);
}

/**
 * Checks the user's password (a 401 when wrong) and answers the hash it was checked against, so
 * the change that follows can tell whether another change slipped in meanwhile.
 */
async function checkPassword(deps: Deps, userId: number, password: string): Promise<string> {
  const [user] = await deps.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!user) throw new AppError('UNAUTHORIZED', SIGNED_OUT);
  if (!(await verifyPassword(user.passwordHash, password))) throw new AppError('UNAUTHORIZED', WRONG_PASSWORD);
  return user.passwordHash;
}

export interface CurrentSession {
  /** The token of the request: its session stays, every other one of the user is revoked. */
  token: string;
}

/**
 * POST /api/auth/password: a new argon2id hash, and every other session of the user revoked
 * in the same transaction; their cached copies are dropped on every process once it commits.
 */
export async function changePassword(
  deps: Deps,
  viewer: Viewer,
  input: ChangePasswordInput,
  current: CurrentSession,
): Promise<{ success: true }> {
  const userId = signedInUserId(viewer, SIGNED_OUT);
  const checkedHash = await checkPassword(deps, userId, input.currentPassword);
  const passwordHash = await hashPassword(input.newPassword);
  await transaction(deps, async (tx) => {
    const [user] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).for('update');
    // Another change committed between the check and now: the current password was the old one.
    if (user?.passwordHash !== checkedHash) throw new AppError('UNAUTHORIZED', WRONG_PASSWORD);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    const revoked = await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, userId), ne(sessions.id, sessionIdOf(current.token))))
      .returning({ id: sessions.id });
    forgetUserSessionsAfterCommit(
      deps,
      tx,
      userId,
      revoked.map((row) => row.id),
    );
  });
  return { success: true };
}

/** A value no email and no argon2 hash can equal: a closed account can never sign in. */
const CLOSED_PASSWORD_HASH = '!closed';
const closedEmail = (userId: number) => `closed-${userId}@closed.invalid`;

/**
 * DELETE /api/auth/me, in one transaction: every session revoked; name and email replaced by a
 * placeholder (the email can be registered again), a password hash nothing matches and the
 * customer role; addresses, wishlist, cart and idempotency keys deleted; orders kept without
 * their shipping address, reviews kept (their author shows as a former customer). The last
 * admin cannot close their account (409 last_admin).
 */
export async function closeAccount(deps: Deps, viewer: Viewer, input: CloseAccountInput): Promise<{ success: true }> {
  const userId = signedInUserId(viewer, SIGNED_OUT);
  const checkedHash = await checkPassword(deps, userId, input.password);
  await transaction(deps, async (tx) => {
    // Every admin row in id order, then this one, as a role change locks them: two admins
    // closing their accounts at once queue up, and the second sees it is the last.
    const admins = await tx.select({ id: users.id }).from(users).where(eq(users.role, 'admin')).orderBy(users.id).for('update');
    const [user] = await tx
      .select({ role: users.role, passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (user?.passwordHash !== checkedHash) throw new AppError('UNAUTHORIZED', WRONG_PASSWORD);
    if (user.role === 'admin' && admins.length <= 1) {
      throw new AppError('LAST_ADMIN', 'The last admin cannot close their account: make another user admin first');
    }
    await revokeUserSessions(deps, tx, userId);
    await tx.delete(addresses).where(eq(addresses.userId, userId));
    await tx.delete(wishlistItems).where(eq(wishlistItems.userId, userId));
    await tx.delete(carts).where(eq(carts.userId, userId));
    await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.userId, userId));
    await tx.update(orders).set({ shippingAddress: null, updatedAt: sql`now()` }).where(eq(orders.userId, userId));
    await tx
      .update(users)
      .set({ email: closedEmail(userId), name: null, passwordHash: CLOSED_PASSWORD_HASH, role: 'customer', closedAt: deps.clock.now() })
      .where(eq(users.id, userId));
    // Cached public review pages show the author's name: they are rebuilt without it.
    catalogChanged(deps, tx);
  });
  return { success: true };
}

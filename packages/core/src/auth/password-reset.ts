import { createHash, randomBytes } from 'node:crypto';
import { passwordResetTokens, users } from '@commerce/db';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { EMAIL_SEND, enqueue } from '../outbox';
import { transaction } from '../transaction';
import type { AuthRequestMeta } from './accounts';
import { hashPassword } from './passwords';
import { takePasswordResetRequest } from './rate-limit';
import { emailSchema, passwordSchema } from './schemas';
import { revokeUserSessions } from './sessions';

/** How long an emailed reset link works. */
export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

export const passwordResetInput = z.object({ email: emailSchema });
export const passwordResetConfirmInput = z.object({
  token: z.string().trim().min(1).max(200),
  newPassword: passwordSchema,
});
export type PasswordResetConfirmInput = z.output<typeof passwordResetConfirmInput>;

const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Emails a single-use reset link to the account with this email, if there is one. The answer
 * and the work are the same either way (look the email up, make and hash a token, write one
 * outbox row in a transaction), so neither the status nor the time tells whether the account
 * exists; the email itself is sent later by the dispatcher.
 */
export async function requestPasswordReset(deps: Deps, input: { email: string }, meta: AuthRequestMeta): Promise<void> {
  await takePasswordResetRequest(deps, meta.ip, input.email);
  const token = randomBytes(32).toString('base64url');
  const tokenHash = tokenHashOf(token);
  const now = deps.clock.now();
  await transaction(deps, async (tx) => {
    const [user] = await tx
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()))
      .limit(1);
    if (user) {
      await tx.insert(passwordResetTokens).values({ tokenHash, userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS) });
    }
    // The token travels only in this row, which is erased once the email is sent.
    await enqueue(deps, tx, {
      type: EMAIL_SEND,
      payload: user ? { template: 'password_reset', to: user.email, token } : { template: 'password_reset', to: null },
    });
  });
}

const INVALID = 'This reset link is invalid, used or expired: ask for a new one';

/**
 * Sets the new password if the token is live, uses it up (and every other open token of the
 * user), and signs the user out everywhere: whoever asked for the reset may not be the only one
 * who had the old password.
 */
export async function confirmPasswordReset(deps: Deps, input: PasswordResetConfirmInput): Promise<{ success: true }> {
  const passwordHash = await hashPassword(input.newPassword);
  const now = deps.clock.now();
  await transaction(deps, async (tx) => {
    const [row] = await tx
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.tokenHash, tokenHashOf(input.token)))
      .for('update');
    if (!row || row.usedAt || row.expiresAt <= now) throw new AppError('RESET_TOKEN_INVALID', INVALID, { field: 'token' });
    await tx
      .update(passwordResetTokens)
      .set({ usedAt: now })
      .where(and(eq(passwordResetTokens.userId, row.userId), isNull(passwordResetTokens.usedAt)));
    await tx.update(users).set({ passwordHash }).where(eq(users.id, row.userId));
    await revokeUserSessions(deps, tx, row.userId);
  });
  return { success: true };
}

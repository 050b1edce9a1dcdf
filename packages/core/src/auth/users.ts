import { users } from '@commerce/db';
import { and, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import { recordChange, actorFor } from '../audit';
import type { Deps } from '../deps';
import { AppError, notFound } from '../errors';
import { newestFirst, offsetOf, pageOf, type Page } from '../pagination';
import { requireAdmin, type Viewer } from '../viewer';
import { toUserDto, publicUserColumns } from './accounts';
import type { ListUsersInput, SetRoleInput, UserDto } from './schemas';
import { transaction } from '../transaction';
import { forgetUserSessionsAfterCommit } from './sessions';

/** `q` as a literal substring: its % and _ match themselves. */
const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Users whose email or name holds `q`, in any case: the one people search (users, customers, orders by customer). */
export const personMatches = (q: string) => {
  const pattern = containsPattern(q);
  return or(ilike(users.email, pattern), ilike(users.name, pattern))!;
};

export async function listUsers(deps: Deps, viewer: Viewer, input: ListUsersInput): Promise<Page<UserDto>> {
  requireAdmin(viewer);
  const conditions: SQL[] = [];
  if (input.role) conditions.push(eq(users.role, input.role));
  if (input.q) conditions.push(personMatches(input.q));
  const where = and(...conditions);
  const [rows, [total]] = await Promise.all([
    deps.db
      .select(publicUserColumns)
      .from(users)
      .where(where)
      .orderBy(...newestFirst(users))
      .limit(input.limit)
      .offset(offsetOf(input.page, input.limit)),
    deps.db.select({ n: count() }).from(users).where(where),
  ]);
  return pageOf(rows.map(toUserDto), input.page, input.limit, total?.n ?? 0);
}

/**
 * Changes a user's role; the store always keeps at least one admin. The change reaches the
 * user's very next request: their cached sessions are dropped once it commits.
 */
export async function setUserRole(deps: Deps, viewer: Viewer, input: SetRoleInput): Promise<UserDto> {
  requireAdmin(viewer);
  const user = await transaction(deps, async (tx) => {
    // Every admin row is locked, in id order, before anything is decided: two admins demoting
    // each other at once queue up here, and the second one sees that only one admin is left.
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(users.role, 'admin'))
      .orderBy(users.id)
      .for('update');
    const [target] = await tx.select(publicUserColumns).from(users).where(eq(users.id, input.id)).for('update');
    if (!target) throw notFound('User');
    if (target.role === input.role) return target;
    if (target.role === 'admin' && admins.length <= 1) {
      throw new AppError('LAST_ADMIN', 'The last admin cannot lose the admin role: make another user admin first');
    }
    const [updated] = await tx.update(users).set({ role: input.role }).where(eq(users.id, input.id)).returning(publicUserColumns);
    await recordChange(deps, tx, { actor: actorFor(viewer), entity: 'user', id: input.id, action: 'update', before: target, after: updated! });
    forgetUserSessionsAfterCommit(deps, tx, input.id);
    return updated!;
  });
  return toUserDto(user);
}

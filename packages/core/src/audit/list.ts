import { auditLog } from '@commerce/db';
import { and, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps';
import { requireAdmin, type Viewer } from '../viewer';
import { listAuditInput, type ActorKind, type AuditPageDto, type ListAuditInput } from './schemas';

/** The query behind listAudit, unexecuted (for the plan test). */
export function auditQuery(deps: Pick<Deps, 'db'>, raw: ListAuditInput) {
  const input = listAuditInput.parse(raw);
  const where: (SQL | undefined)[] = [
    input.entityType ? eq(auditLog.entityType, input.entityType) : undefined,
    input.entityId ? eq(auditLog.entityId, input.entityId) : undefined,
    input.actorUserId ? eq(auditLog.actorUserId, input.actorUserId) : undefined,
    input.action ? eq(auditLog.action, input.action) : undefined,
    input.from ? gte(auditLog.createdAt, new Date(input.from)) : undefined,
    input.to ? lte(auditLog.createdAt, new Date(input.to)) : undefined,
  ];
  if (input.cursor) {
    const [at, id] = input.cursor.split('~') as [string, string];
    // One row comparison, so the (…, created_at desc, id desc) indexes serve it as a range.
    where.push(sql`(${auditLog.createdAt}, ${auditLog.id}) < (${at}::timestamptz, ${Number(id)})`);
  }
  return {
    limit: input.limit,
    query: deps.db
      .select()
      .from(auditLog)
      .where(and(...where))
      .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
      .limit(input.limit + 1),
  };
}

/** The audit trail, newest first, one keyset page at a time (admins only). */
export async function listAudit(deps: Deps, viewer: Viewer, raw: ListAuditInput): Promise<AuditPageDto> {
  requireAdmin(viewer);
  const { limit, query } = auditQuery(deps, raw);
  const rows = await query;
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({ ...row, actorKind: row.actorKind as ActorKind, createdAt: row.createdAt.toISOString() })),
    nextCursor: rows.length > limit && last ? `${last.createdAt.toISOString()}~${last.id}` : null,
    currency: deps.settings.currency,
  };
}

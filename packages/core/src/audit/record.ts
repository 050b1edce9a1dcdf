import { auditLog, users, type AuditFieldChange, type Transaction } from '@commerce/db';
import { sql } from 'drizzle-orm';
import type { Deps } from '../deps';
import type { Actor } from './actor';
import type { AuditAction, AuditEntityType } from './schemas';

export interface Change {
  entity: AuditEntityType;
  id: number | string;
  action: AuditAction;
  /** The entity before the change (null when created): a row or any plain object. */
  before: Record<string, unknown> | null;
  /** The entity after it (null when deleted). */
  after: Record<string, unknown> | null;
}

/** Never copied into the trail, whatever the entity: only that it changed. */
const SECRET = /password|secret|token|hash|api_?key/i;
export const REDACTED = '[redacted]';
/** Bookkeeping every write moves: noise in a diff. */
const IGNORED = new Set(['id', 'createdAt', 'updatedAt']);

const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value === undefined ? null : value);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, SECRET.test(key) ? REDACTED : redact(v)]));
  }
  return plain(value);
}

/** The fields whose value differs, each as { before, after }, secrets replaced by REDACTED. */
export function changedFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null): Record<string, AuditFieldChange> {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, AuditFieldChange> = {};
  for (const key of keys) {
    if (IGNORED.has(key)) continue;
    const from = plain(before?.[key]);
    const to = plain(after?.[key]);
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    changes[key] = SECRET.test(key) ? { before: REDACTED, after: REDACTED } : { before: redact(from), after: redact(to) };
  }
  return changes;
}

/**
 * Writes one audit entry for `change` inside `tx`, so it exists exactly when the change commits.
 * The actor's email and name are copied as they are now. An update that changed no field
 * writes nothing, and neither does the system (the seed's pictures, payment webhooks): the
 * trail is of what people changed.
 */
export async function recordChange(deps: Pick<Deps, 'clock'>, tx: Transaction, change: Change & { actor: Actor }): Promise<void> {
  if (change.actor.kind === 'system') return;
  const changes = changedFields(change.before, change.after);
  if (change.action === 'update' && Object.keys(changes).length === 0) return;
  const { actor } = change;
  const of = (column: typeof users.email | typeof users.name) =>
    actor.userId === null ? null : sql<string>`(select ${column} from ${users} where ${users.id} = ${actor.userId})`;
  await tx.insert(auditLog).values({
    createdAt: deps.clock.now(),
    actorKind: actor.kind,
    actorUserId: actor.userId,
    actorEmail: of(users.email),
    actorName: of(users.name),
    ip: actor.ip,
    entityType: change.entity,
    entityId: String(change.id),
    action: change.action,
    changes,
  });
}

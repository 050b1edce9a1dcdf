import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** One field's value before and after a change (null where the entity did not exist). */
export type AuditFieldChange = { before: unknown; after: unknown };

/**
 * Every staff and admin change, written in the transaction of the change itself. Who is copied
 * (email and name as they were then), not referenced: the trail outlives renamed and closed
 * accounts, and no row here points at anything that could stop a delete.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    actorKind: text('actor_kind').notNull(),
    actorUserId: integer('actor_user_id'),
    actorEmail: text('actor_email'),
    actorName: text('actor_name'),
    ip: text('ip'),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    changes: jsonb('changes').$type<Record<string, AuditFieldChange>>().notNull(),
  },
  // The admin page reads newest first by (created_at, id), filtered by entity or actor: scanned
  // backwards, ascending indexes give exactly ORDER BY … DESC (whose nulls come first).
  (t) => [
    index('audit_log_entity_idx').on(t.entityType, t.entityId, t.createdAt, t.id),
    index('audit_log_actor_idx').on(t.actorUserId, t.createdAt, t.id),
    index('audit_log_created_idx').on(t.createdAt, t.id),
  ],
);

export type AuditLogRow = typeof auditLog.$inferSelect;

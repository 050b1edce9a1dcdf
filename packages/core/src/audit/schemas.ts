import { z } from 'zod';
import { idSchema } from '../pagination';

export const actorKinds = ['customer', 'staff', 'system'] as const;
export type ActorKind = (typeof actorKinds)[number];

/** What the trail records changes of (the admin page filters by these). */
export const auditEntityTypes = [
  'product',
  'variant',
  'product_image',
  'category',
  'order',
  'user',
  'coupon',
  'shipping_method',
  'tax_rate',
  'review',
  'webhook_endpoint',
] as const;
export type AuditEntityType = (typeof auditEntityTypes)[number];

export const auditActions = ['create', 'update', 'delete', 'archive', 'status'] as const;
export type AuditAction = (typeof auditActions)[number];

/** `<created_at ISO>~<id>` of the last entry seen; newer-first order continues after it. */
const cursorSchema = z.string().regex(/^\d{4}-\d\d-\d\dT[\d:.]+Z~\d{1,18}$/, 'cursor is the nextCursor of a previous page');

export const listAuditInput = z.object({
  entityType: z.enum(auditEntityTypes).optional(),
  entityId: z.string().trim().min(1).max(40).optional(),
  actorUserId: idSchema.optional(),
  action: z.enum(auditActions).optional(),
  /** Inclusive bounds on when the change happened. */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
export type ListAuditInput = z.input<typeof listAuditInput>;

export const auditEntryOutput = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  actorKind: z.enum(actorKinds),
  actorUserId: z.number().int().nullable(),
  actorEmail: z.string().nullable(),
  actorName: z.string().nullable(),
  ip: z.string().nullable(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })),
});
export type AuditEntryDto = z.output<typeof auditEntryOutput>;

export const auditPageOutput = z.object({
  items: z.array(auditEntryOutput),
  nextCursor: z.string().nullable(),
  /** The store's currency: amounts (`…Cents` fields) are in its minor units. */
  currency: z.string(),
});
export type AuditPageDto = z.output<typeof auditPageOutput>;

import { queryRows, type DbHandle } from '@commerce/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { createTestDeps } from '../testing';
import { auditQuery } from './list';
import type { ListAuditInput } from './schemas';

// Every filter of the admin's audit page, EXPLAINed as listAudit sends it, on 100 000 entries:
// none may read the table sequentially.

const ENTRIES = 100_000;
let handle: DbHandle;
let deps: Deps;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ deps, handle, close } = await createTestDeps({ poolMax: 2 }));
  await handle.db.execute(sql`
    insert into audit_log (created_at, actor_kind, actor_user_id, actor_email, ip, entity_type, entity_id, action, changes)
    select timestamptz '2026-01-01' + i * interval '1 minute', 'staff', 1 + i % 20, 'staff@shop.test', '203.0.113.1',
           (array['product', 'variant', 'order', 'category'])[1 + i % 4], (i % 5000)::text,
           (array['update', 'create', 'status', 'archive'])[1 + i % 4], '{}'::jsonb
    from generate_series(1, ${ENTRIES}) as i`);
  await handle.db.execute(sql`vacuum analyze audit_log`);
}, 300_000);

afterAll(() => close?.());

const cursor = '2026-02-15T00:00:00.000Z~50000';
const shapes: [string, ListAuditInput][] = [
  ['no filter', {}],
  ['no filter, next page', { cursor }],
  ['an entity', { entityType: 'product', entityId: '40' }],
  ['an entity, next page', { entityType: 'product', entityId: '40', cursor }],
  ['an actor', { actorUserId: 3 }],
  ['an actor, next page', { actorUserId: 3, cursor }],
  ['a date range', { from: '2026-02-01T00:00:00Z', to: '2026-02-02T00:00:00Z' }],
  ['an entity type', { entityType: 'order' }],
  ['an action', { action: 'status' }],
];

describe('audit list plans at 100 000 entries', () => {
  it.each(shapes)('%s reads an index, never the whole table', async (_name, input) => {
    const { query } = auditQuery(deps, input);
    const rows = await queryRows<{ 'QUERY PLAN': string }>(handle.db, sql`explain ${query.getSQL()}`);
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan).toMatch(/Index Scan/);
  });
});

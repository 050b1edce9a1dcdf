import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, outbox, type DbHandle } from '@commerce/db';
import { isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../outbox';
import { transaction } from '../transaction';
import { Dispatcher, type OutboxJob } from './dispatcher';

// The embedded default (no DATABASE_URL) runs the same outbox: PGlite takes FOR UPDATE SKIP
// LOCKED, the partial index and the dedupe key as Postgres does.

const dir = mkdtempSync(join(tmpdir(), 'commerce-outbox-pglite-'));
let handle: DbHandle;

beforeAll(async () => {
  handle = await createDb({ pgliteDir: dir });
  await handle.migrate();
}, 120_000);
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the outbox on PGlite', () => {
  it('enqueues in the transaction, dedupes, and delivers each row once across two dispatchers', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const deps = { db: handle.db, clock: { now: () => now } };
    await expect(
      transaction(deps, async (tx) => {
        await enqueue(deps, tx, { type: 'test.pglite', payload: { lost: true } });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await transaction(deps, async (tx) => {
      for (let i = 0; i < 40; i++) await enqueue(deps, tx, { type: 'test.pglite', payload: { i } });
      await enqueue(deps, tx, { type: 'test.pglite', payload: { i: 'once' }, dedupeKey: 'k' });
      await enqueue(deps, tx, { type: 'test.pglite', payload: { i: 'twice' }, dedupeKey: 'k' });
    });
    const seen: OutboxJob[] = [];
    const handlers = { 'test.pglite': { run: async (job: OutboxJob) => void seen.push(job) } };
    const [a, b] = [new Dispatcher(deps, { handlers, batchSize: 5 }), new Dispatcher(deps, { handlers, batchSize: 5 })];
    expect((await Promise.all([a.drain(), b.drain()])).reduce((x, y) => x + y)).toBe(41);
    expect(new Set(seen.map((job) => job.eventId)).size).toBe(41);
    expect(seen.some((job) => job.payload.lost)).toBe(false);
    expect(seen.filter((job) => job.payload.i === 'twice')).toEqual([]);
    expect(await handle.db.select().from(outbox).where(isNull(outbox.completedAt))).toEqual([]);
  });
});

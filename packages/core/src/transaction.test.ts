import { categories } from '@commerce/db';
import { systemActor } from './audit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategory } from './catalog/categories';
import { CATALOG_VERSION_KEY } from './catalog/version';
import type { Deps } from './deps';
import { createTestDeps, type TestDeps } from './testing';
import { afterCommit, savepoint, transaction } from './transaction';

let t: TestDeps;
let deps: Deps;
beforeAll(async () => {
  t = await createTestDeps();
  deps = t.deps;
});
afterAll(() => t.close());

/** An effect that records its name when it runs. */
const recorder = () => {
  const ran: string[] = [];
  return { ran, effect: (name: string, key?: string) => ({ key, run: async () => void ran.push(name) }) };
};

const categoryNamed = async (name: string) =>
  (await deps.db.select({ id: categories.id }).from(categories).where(eq(categories.name, name))).length;

describe('transaction() and afterCommit()', () => {
  it('runs an effect once, after the commit: the change is visible to whoever the effect tells', async () => {
    const seen: number[] = [];
    await transaction(deps, async (tx) => {
      await tx.insert(categories).values({ name: 'Committed', slug: 'tx-committed' });
      afterCommit(tx, { run: async () => void seen.push(await categoryNamed('Committed')) });
      // Still inside: nothing ran yet.
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1]);
  });

  it('never runs an effect of a transaction that rolled back, and rethrows its error', async () => {
    const { ran, effect } = recorder();
    await expect(
      transaction(deps, async (tx) => {
        await tx.insert(categories).values({ name: 'Rolled back', slug: 'tx-rolled-back' });
        afterCommit(tx, effect('never'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(ran).toEqual([]);
    expect(await categoryNamed('Rolled back')).toBe(0);
  });

  it('runs effects in the order they were registered, savepoints included; one key runs once', async () => {
    const { ran, effect } = recorder();
    await transaction(deps, async (tx) => {
      afterCommit(tx, effect('first', 'catalog'));
      await savepoint(tx, async (inner) => {
        afterCommit(inner, effect('second'));
        afterCommit(inner, effect('duplicate of first', 'catalog'));
      });
      afterCommit(tx, effect('third'));
    });
    expect(ran).toEqual(['first', 'second', 'third']);
  });

  it('drops the effects of a savepoint that rolled back, keeps the rest', async () => {
    const { ran, effect } = recorder();
    await transaction(deps, async (tx) => {
      afterCommit(tx, effect('outer'));
      await savepoint(tx, async (inner) => {
        afterCommit(inner, effect('inner'));
        throw new Error('inner part refused');
      }).catch(() => undefined);
    });
    expect(ran).toEqual(['outer']);
  });

  it('answers the work once an effect fails: the change is committed', async () => {
    const { ran, effect } = recorder();
    const result = await transaction(deps, async (tx) => {
      afterCommit(tx, { run: () => Promise.reject(new Error('cache down')) });
      afterCommit(tx, effect('after the failure'));
      return 42;
    });
    expect(result).toBe(42);
    expect(ran).toEqual(['after the failure']);
  });

  it('refuses afterCommit on a transaction it did not open (a bug, not a silent no-op)', async () => {
    await expect(deps.db.transaction(async (tx) => afterCommit(tx, recorder().effect('x')))).rejects.toThrow(/transaction\(\)/);
  });

  it('is how catalog writes refresh cached reads: a failed write bumps nothing', async () => {
    const before = await deps.cache.get(CATALOG_VERSION_KEY);
    await createCategory(deps, systemActor, { name: 'Bumps the version' });
    const after = await deps.cache.get(CATALOG_VERSION_KEY);
    expect(after).not.toBe(before);
    await expect(createCategory(deps, systemActor, { name: 'Orphan', parentId: 999_999 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await deps.cache.get(CATALOG_VERSION_KEY)).toBe(after);
  });
});

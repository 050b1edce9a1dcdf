import { randomBytes } from 'node:crypto';
import { and, inArray, ne, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Deps } from '../deps';
import { AppError, isUniqueViolation } from '../errors';

/**
 * A name as it appears in a URL: accents dropped, lower case, runs of anything but letters and
 * digits made one hyphen, at most 80 characters ("Crème Brûlée Set" → "creme-brulee-set").
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

interface SlugTarget {
  table: PgTable;
  slug: PgColumn;
  id: PgColumn;
  /** The unique index on the slug column. */
  constraint: string;
}

const FIRST_BATCH = 20;
const MAX_BATCH = 1000;
const DENSE_RACES = 100;
const RANDOM_ATTEMPTS = 5;

/**
 * Runs `write` with a slug made from `name` that no other row has: `name`, else `name-2`,
 * `name-3`, ... Free candidates are looked up through the unique index in batches that
 * double while they come back full. Two writers picking the same candidate race on that
 * index and the loser looks again; a writer that keeps losing (a burst of one name far beyond
 * any real use) takes a random suffix instead, which no other writer can pick.
 */
export async function withUniqueSlug<T>(
  deps: Deps,
  target: SlugTarget,
  name: string,
  fallback: string,
  write: (slug: string) => Promise<T>,
  ownId?: number,
): Promise<T> {
  const base = slugify(name) || fallback;
  const attempt = async (slug: string): Promise<{ done: true; value: T } | { done: false }> => {
    try {
      return { done: true, value: await write(slug) };
    } catch (error) {
      if (!isUniqueViolation(error, target.constraint)) throw error;
      return { done: false };
    }
  };
  let next = 1;
  let batch = FIRST_BATCH;
  let races = 0;
  for (;;) {
    const candidates = Array.from({ length: batch }, (_, i) => (next + i === 1 ? base : `${base}-${next + i}`));
    const conditions: SQL[] = [inArray(target.slug, candidates)];
    if (ownId !== undefined) conditions.push(ne(target.id, ownId));
    const rows = await deps.db.select({ slug: target.slug }).from(target.table).where(and(...conditions));
    const taken = new Set(rows.map((r) => r.slug as string));
    const free = candidates.find((c) => !taken.has(c));
    if (free === undefined) {
      next += batch;
      batch = Math.min(batch * 2, MAX_BATCH);
      continue;
    }
    const result = await attempt(free);
    if (result.done) return result.value;
    // Lost a race for `free`: look again from there, up to a point.
    next = Number(free.slice(base.length + 1)) || 1;
    if (++races >= DENSE_RACES) break;
  }
  for (let i = 0; i < RANDOM_ATTEMPTS; i++) {
    const result = await attempt(`${base}-${randomBytes(4).toString('hex')}`);
    if (result.done) return result.value;
  }
  throw new AppError('SLUG_UNAVAILABLE', 'Could not find a free slug for this name; try again');
}

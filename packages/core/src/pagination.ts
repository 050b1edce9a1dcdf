import { sql, type AnyColumn } from 'drizzle-orm';
import { z } from 'zod';

/** Query parameters every list shares (API.md: page from 1, limit up to 50). */
// Plain numbers, not z.coerce: typed clients must pass numbers; trpc-to-openapi coerces the
// strings of REST paths and queries itself.
export const pageQuery = z.object({
  // Bounded like every number, but far past any real catalog: a page past the end is an empty list.
  page: z.number().int().min(1).max(1_000_000_000).default(1),
  limit: z.number().int().min(1).max(50).default(10),
});

export interface Page<T> {
  items: T[];
  page: number;
  limit: number;
  total: number;
  totalPages: number;
}

export function pageOf<T>(items: T[], page: number, limit: number, total: number): Page<T> {
  return { items, page, limit, total, totalPages: Math.ceil(total / limit) };
}

export const pageOutput = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    page: z.number().int(),
    limit: z.number().int(),
    total: z.number().int(),
    totalPages: z.number().int(),
  });

export const offsetOf = (page: number, limit: number) => (page - 1) * limit;

/**
 * Newest first, NULLS LAST as the (…, created_at desc, id desc) indexes are built (drizzle's
 * default): a bare DESC means NULLS FIRST and would sort every matching row instead of reading
 * the first page off an index.
 */
export const newestFirst = (c: { createdAt: AnyColumn; id: AnyColumn }) => [sql`${c.createdAt} desc nulls last`, sql`${c.id} desc nulls last`];

/**
 * A boolean query flag: a boolean for typed clients and in /openapi.json (`type: boolean`, so
 * generated clients type it so); in a REST URL `true`/`false`, or `1`/`0`. The patched
 * trpc-to-openapi (packages/api/patches) turns exactly those URL strings into booleans and
 * leaves any other string for z.boolean() to refuse; a plain coercion would read "false" as true.
 */
export const queryBoolean = z.boolean().meta({ description: '`true` or `false` (in a URL, `1` and `0` are accepted too)' });

/** A positive integer id (path or body). */
export const idSchema = z.number().int().positive().max(2_147_483_647);

/** `{ id }` from a REST path such as /products/{id}. */
export const idInput = z.object({ id: idSchema });

import { createHash } from 'node:crypto';
import type { Cache } from '../cache';
import type { Transaction } from '@commerce/db';
import type { Deps } from '../deps';
import { afterCommit } from '../transaction';

/**
 * One counter for the whole catalog. Cached catalog responses remember the version they were
 * built at; bumping it makes every one of them a miss on every server process at once.
 */
export const CATALOG_VERSION_KEY = 'catalog:version';

const VERSION_TTL_SECONDS = 30 * 24 * 3600;

/**
 * A counter that starts from 1 again after the key was lost (evicted, expired, Redis
 * restarted) could meet an old entry built at the same number. Starting from the clock in
 * microseconds instead gives a value no earlier incarnation reached.
 */
export async function resetCatalogVersion(cache: Cache): Promise<string> {
  const fresh = String(Date.now() * 1000 + Math.floor(Math.random() * 1000));
  await cache.set(CATALOG_VERSION_KEY, fresh, VERSION_TTL_SECONDS);
  return fresh;
}

async function bump(cache: Cache): Promise<void> {
  const next = await cache.incr(CATALOG_VERSION_KEY);
  if (next === 1) await resetCatalogVersion(cache);
}

const RETRY_MS = 1000;
const RETRY_ATTEMPTS = 600;
const retrying = new WeakSet<Cache>();

/** Keeps trying in the background, so cached pages stop being served once the cache is back. */
function retryLater(cache: Cache, attempt = 1): void {
  if (retrying.has(cache)) return;
  retrying.add(cache);
  setTimeout(() => {
    retrying.delete(cache);
    bump(cache).catch(() => {
      if (attempt < RETRY_ATTEMPTS) retryLater(cache, attempt + 1);
    });
  }, RETRY_MS).unref();
}

/**
 * Never throws: the write is done, and failing the request now would only make the client
 * retry it. While the cache is unreachable no cached response can be served either; the bump
 * is retried in the background until it lands.
 */
async function bumpCatalogVersion(deps: Pick<Deps, 'cache'>): Promise<void> {
  try {
    await bump(deps.cache);
  } catch {
    retryLater(deps.cache);
  }
}

/**
 * Every cached catalog read becomes stale, on every process, once `tx` commits (once however
 * many changes in it ask for it). What a catalog write calls inside its transaction.
 */
export function catalogChanged(deps: Pick<Deps, 'cache'>, tx: Transaction): void {
  afterCommit(tx, { key: CATALOG_VERSION_KEY, run: () => bumpCatalogVersion(deps) });
}

const COUNT_KEY_PREFIX = 'catalog:count:';
// Only a bound on what no bump announces; a count is otherwise exact for its version.
const COUNT_TTL_SECONDS = 600;

/**
 * `count()` of a catalog query, remembered per query text and parameters under the catalog
 * version it was taken at: an exact `count(*)` over 100 000 products costs more than the page
 * beside it, and it changes only when a catalog write bumps the version. The version is read
 * before the count runs (as the response cache does), so a write committing meanwhile can
 * never leave its old count filed under the new version. With the cache down, it just counts.
 */
export async function countAtCatalogVersion(
  deps: Pick<Deps, 'cache'>,
  query: { toSQL(): { sql: string; params: unknown[] } },
  count: () => Promise<number>,
): Promise<number> {
  const { sql: text, params } = query.toSQL();
  const key = COUNT_KEY_PREFIX + createHash('sha1').update(text).update('\0').update(JSON.stringify(params)).digest('base64url');
  let version: string;
  try {
    const [current, entry] = await deps.cache.mget([CATALOG_VERSION_KEY, key]);
    if (current != null && entry?.startsWith(`${current}\n`)) return Number(entry.slice(current.length + 1));
    version = current ?? (await resetCatalogVersion(deps.cache));
  } catch {
    return count();
  }
  const total = await count();
  deps.cache.set(key, `${version}\n${total}`, COUNT_TTL_SECONDS).catch(() => {});
  return total;
}

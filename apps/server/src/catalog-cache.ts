import { SESSION_COOKIE } from '@commerce/api';
import { CATALOG_VERSION_KEY, listProductsInput, productReviewsInput, resetCatalogVersion, type Cache } from '@commerce/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Anonymous catalog reads served from the cache before the tRPC/OpenAPI adapters run: a hit
 * is one cache round trip (MGET of the catalog version and the page) and a write of its bytes.
 *
 * An entry is `<version>\n<response body>`. It is only served while the catalog version still
 * equals the one it was built at, and that version is read before the database on a miss, so
 * a write that commits meanwhile (and then bumps the version) can never be cached as current.
 * The TTL bounds what no bump announces (stock taken by orders moves it only at zero).
 */

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on a cacheable miss: where to store the response, and the version it is built at. */
    catalogCacheMiss: { key: string; version: string } | null;
  }
}

const MAX_KEY_LENGTH = 1024;
const NEWLINE = 0x0a;
const PAGE_KEY_PREFIX = 'catalog:page:';

/** The query parameters each cached path reads; any other parameter changes nothing in the answer. */
const knownParameters = (path: string): readonly string[] | null => {
  if (path === '/api/products') return PRODUCT_LIST_PARAMETERS;
  if (/^\/api\/products\/\d{1,10}\/reviews$/.test(path)) return REVIEW_LIST_PARAMETERS;
  return /^\/api\/(?:products\/\d{1,10}|categories)$/.test(path) ? [] : null;
};
const PRODUCT_LIST_PARAMETERS = Object.keys(listProductsInput.shape).sort();
// The public reviews of a product; moderation bumps the catalog version (core/reviews).
const REVIEW_LIST_PARAMETERS = Object.keys(productReviewsInput.shape).filter((name) => name !== 'id').sort();

/**
 * The cache key of an anonymous catalog GET, or null when the request must not be cached.
 * It is built from the path and the known query parameters only, in one canonical order, so
 * junk parameters (`?x=1`, `?x=2`, …) all share the entry of the request without them instead
 * of each filling the cache. A repeated known parameter is a 400, which is never stored.
 */
export function catalogCacheKey(req: Pick<FastifyRequest, 'method' | 'url' | 'headers' | 'cookies'>): string | null {
  if (req.method !== 'GET' || req.headers.authorization !== undefined) return null;
  // The parsed cookie, as the session lookup reads it: a raw-header test misses spellings
  // such as `commerce_session =…` that the parser still accepts.
  if (req.cookies[SESSION_COOKIE] !== undefined) return null;
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const known = knownParameters(path);
  if (!known) return null;
  const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
  const canonical = new URLSearchParams();
  for (const name of known) for (const value of query.getAll(name)) canonical.append(name, value);
  const search = canonical.toString();
  const key = `${PAGE_KEY_PREFIX}${path}${search ? `?${search}` : ''}`;
  return key.length <= MAX_KEY_LENGTH ? key : null;
}

export interface CatalogCacheOptions {
  cache: Cache;
  /** Lifetime of an entry; 0 turns the cache off. */
  ttlSeconds: number;
  /** Counts each lookup by result: hit, miss, error. */
  lookups?: { inc(labels: { result: 'hit' | 'miss' | 'error' }): void } | undefined;
}

export function registerCatalogCache(app: FastifyInstance, { cache, ttlSeconds, lookups }: CatalogCacheOptions): void {
  if (ttlSeconds <= 0) return;
  app.decorateRequest('catalogCacheMiss', null);

  app.addHook('onRequest', async (req, reply) => {
    const key = catalogCacheKey(req);
    if (!key) return;
    try {
      // Bytes, not strings: a hit goes out as Redis sent it (see Cache.mgetBuffers).
      const [current, entry] = await cache.mgetBuffers([CATALOG_VERSION_KEY, key]);
      if (current && entry && entry[current.length] === NEWLINE && current.compare(entry, 0, current.length) === 0) {
        lookups?.inc({ result: 'hit' });
        return reply
          // As Fastify labels the string a miss sends: bytes get no charset of their own.
          .header('content-type', 'application/json; charset=utf-8')
          .header('x-cache', 'hit')
          .send(entry.subarray(current.length + 1));
      }
      // A lost version key restarts from a value no old entry can carry; this request builds fresh.
      const version = current?.toString() ?? (await resetCatalogVersion(cache));
      req.catalogCacheMiss = { key, version };
      lookups?.inc({ result: 'miss' });
    } catch (error) {
      lookups?.inc({ result: 'error' });
      // The cache is down: serve from the database as if there were none.
      req.log.debug({ err: error }, 'catalog cache unavailable');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const miss = req.catalogCacheMiss;
    if (!miss) return payload;
    void reply.header('x-cache', 'miss');
    if (reply.statusCode === 200 && typeof payload === 'string') {
      cache.set(miss.key, `${miss.version}\n${payload}`, ttlSeconds).catch((error: unknown) => {
        req.log.debug({ err: error }, 'catalog cache write failed');
      });
    }
    return payload;
  });
}

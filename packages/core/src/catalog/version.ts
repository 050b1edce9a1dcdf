import type { Deps } from '../deps';

/**
 * One counter for the whole catalog. Cached catalog responses remember the version they were
 * built at; bumping it makes every one of them a miss on every server process at once.
 */
export const CATALOG_VERSION_KEY = 'catalog:version';

/** Call after a catalog write has committed. */
export async function bumpCatalogVersion(deps: Deps): Promise<void> {
  await deps.cache.incr(CATALOG_VERSION_KEY);
}

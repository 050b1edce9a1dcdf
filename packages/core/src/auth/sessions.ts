import type { Deps } from '../deps';
import type { Viewer } from '../viewer';

/** Resolves a session token to its user. Placeholder until the accounts work lands. */
export async function resolveViewer(_deps: Deps, _token: string): Promise<Viewer> {
  return null;
}

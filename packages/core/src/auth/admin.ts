import type { Deps } from '../deps';

/** Makes sure an admin with this email exists. Placeholder until the accounts work lands. */
export async function ensureAdmin(_deps: Deps, _email: string, _password: string): Promise<{ created: boolean }> {
  return { created: false };
}

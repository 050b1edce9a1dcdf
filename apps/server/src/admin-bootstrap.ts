import { ensureAdmin, ensureAdminWarning, type Deps } from '@commerce/core';
import { adminCredentials, type Config } from './config';

export interface AdminBootstrap {
  email: string;
  /** What an operator must read: the generated password of a new admin (shown this once), or a warning. */
  notice: { kind: 'password'; text: string } | { kind: 'warning'; text: string } | null;
  created: boolean;
}

/**
 * Makes sure the first admin exists (start-up and `cli setup`). Without ADMIN_PASSWORD, a new
 * admin gets a random password, shown once: later starts generate another that is never used,
 * since an existing account keeps its stored password (and a mismatch is expected, not a warning).
 */
export async function bootstrapAdmin(deps: Deps, config: Config): Promise<AdminBootstrap> {
  const admin = adminCredentials(config);
  const result = await ensureAdmin(deps, admin.email, admin.password, 'bootstrap');
  const created = result.outcome === 'created';
  if (admin.generated && created) {
    const text = `Admin login (generated, shown only this once): ${result.email} / ${admin.password}\nChange it with: pnpm create-admin --email ${result.email} --password <new password>`;
    return { email: result.email, created, notice: { kind: 'password', text } };
  }
  const warning = admin.generated && result.outcome === 'password-mismatch' ? null : ensureAdminWarning(result);
  return { email: result.email, created, notice: warning ? { kind: 'warning', text: warning } : null };
}

import { appRouter } from '@commerce/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix, groups, roles, type Role } from './access-matrix';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';

const MATRIX_FILE = 'apps/server/test/access-matrix.ts';
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>).map(
  ([path, procedure]) => ({ path, type: procedure._def.type }),
);

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the authorization matrix', () => {
  it('has an entry for every procedure of the router', () => {
    const missing = procedures.map((p) => p.path).filter((path) => !(path in accessMatrix));
    const hint = missing.map((path) => `  '${path}': signedIn, // or one of: ${Object.keys(groups).join(', ')}`).join('\n');
    expect(missing, `Procedures without an entry: add to accessMatrix in ${MATRIX_FILE}, saying who may call each:\n${hint}\n`).toEqual([]);
  });

  it('names no procedure the router does not have', () => {
    const known = new Set(procedures.map((p) => p.path));
    const stale = Object.keys(accessMatrix).filter((path) => !known.has(path));
    expect(stale, `Remove these entries from ${MATRIX_FILE}: the router has no such procedure`).toEqual([]);
  });
});

/** Calls a procedure over /trpc as the role, with no input: access is checked before input is. */
async function callAs(role: Role, path: string, type: string) {
  const token = role === 'anonymous' ? undefined : (await createUserWithToken(server.runtime, role)).token;
  return type === 'query'
    ? server.request('GET', `/trpc/${path}`, { token })
    : server.request('POST', `/trpc/${path}`, { token, rawBody: '' });
}

const cells = procedures.flatMap(({ path, type }) => roles.map((role) => ({ path, type, role })));

describe.each(cells)('$path as $role', ({ path, type, role }) => {
  it('is allowed or refused as the matrix says', async () => {
    const allowed = accessMatrix[path];
    if (!allowed) return; // reported above, with the line to add
    const res = await callAs(role, path, type);
    expect(res.status, `${path} as ${role}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
    if (allowed.includes(role)) {
      expect([401, 403], `${path} should let ${role} in (${MATRIX_FILE}), but answered ${res.status}`).not.toContain(res.status);
    } else {
      expect(res.status, `${path} should refuse ${role} (${MATRIX_FILE})`).toBe(role === 'anonymous' ? 401 : 403);
    }
  });
});

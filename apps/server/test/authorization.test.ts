import { appRouter } from '@commerce/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix, groups, roles, type Role } from './access-matrix';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { openSse } from './sse';

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

/**
 * A subscription answers over Server-Sent Events with 200 at once, then tells a refused caller
 * in a `serialized-error` event; a stream that stays quiet has let the caller in.
 */
async function subscribeAs(token: string | undefined, path: string): Promise<{ status: number; body: unknown }> {
  if (!server.app.server.listening) await server.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = server.app.server.address() as { port: number };
  const stream = await openSse(`http://127.0.0.1:${port}/trpc/${path}`, token ? { authorization: `Bearer ${token}` } : {});
  try {
    const refused = await stream.next((event) => event.event === 'serialized-error', 3000).catch(() => null);
    return refused ? { status: JSON.parse(refused.data).data.httpStatus, body: refused.data } : { status: stream.status, body: 'stream open' };
  } finally {
    stream.close();
  }
}

/** Calls a procedure over /trpc as the role, with no input: access is checked before input is. */
async function callAs(role: Role, path: string, type: string) {
  const token = role === 'anonymous' ? undefined : (await createUserWithToken(server.runtime, role)).token;
  if (type === 'subscription') return subscribeAs(token, path);
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

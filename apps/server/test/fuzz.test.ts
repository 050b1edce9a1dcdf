import { appRouter } from '@commerce/api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestResponse, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

// Bounded: a few dozen inputs per operation and a time cap per property, so the suite stays quick.
const RUNS_PER_OPERATION = 25;
const TIME_LIMIT_MS = 20_000;

let server: TestServer;
let tokens: Record<'anonymous' | 'customer' | 'admin', string | undefined>;

beforeAll(async () => {
  // Limits off: the point is to reach validation and the business rules, not to meet a 429.
  server = await startTestServer({
    RATE_LIMIT_REQUESTS_PER_IP: '0',
    RATE_LIMIT_REQUESTS_PER_USER: '0',
    RATE_LIMIT_ORDERS_PER_USER: '0',
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: '1000000',
    RATE_LIMIT_REGISTER_PER_IP: '1000000',
  });
  await createProduct(server.runtime.deps.db, { stock: 5 });
  tokens = {
    anonymous: undefined,
    customer: (await createUserWithToken(server.runtime, 'customer')).token,
    admin: (await createUserWithToken(server.runtime, 'admin')).token,
  };
}, 120_000);
afterAll(() => server.close());

// ---- edge values ----------------------------------------------------------------------------

const hugeNumbers = fc.constantFrom(-1, 0, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 1.5, Number.MIN_VALUE);
const strings = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', 'null', '-1', '1e999', '💥'.repeat(500), 'x'.repeat(20_000), '<script>', "' or 1=1 --", '../../etc/passwd'),
);
const scalar = fc.oneof(strings, hugeNumbers, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const anyJson = fc.oneof(
  { depthSize: 'small' },
  scalar,
  fc.array(scalar, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), scalar, { maxKeys: 5 }),
  fc.array(fc.dictionary(fc.string({ maxLength: 10 }), scalar, { maxKeys: 3 }), { maxLength: 150 }),
);
const badIds = fc.oneof(
  fc.constantFrom('0', '-1', 'abc', '1.5', '99999999999999999999', '%00', '%F0%9F%92%A5', '1e3', ' 1', 'null', '0x10'),
  fc.integer().map(String),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const badJsonTexts = fc.constantFrom('{', '{"a":', '[', 'nul', '{"a":1}}', "{'a':1}", 'NaN', '\u0000', '{"a":"\\ud800"}', '1'.repeat(400));

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
}

/**
 * Inputs shaped like the schema but wrong in every way: fields missing, of the wrong type,
 * extreme, and extra fields beside them; nested objects and arrays likewise.
 */
function shaped(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 3) return anyJson;
  if (schema.properties) {
    const fields = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, fc.oneof(shaped(child, depth + 1), scalar)]),
    );
    return fc.oneof(
      fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 })).map(
        ([known, extra]) => ({ ...extra, ...known }),
      ),
      anyJson,
    );
  }
  if (schema.items) return fc.oneof(fc.array(shaped(schema.items, depth + 1), { maxLength: 4 }), anyJson);
  return scalar;
}

// ---- REST, from /openapi.json ---------------------------------------------------------------

interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

async function operations() {
  const doc = (await server.request('GET', '/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, operation })),
  );
}

function expectNoServerError(res: TestResponse, what: string) {
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 300)}`).toBeLessThan(500);
}

describe('fuzzing every REST operation', () => {
  it('answers malformed and edge inputs with 4xx, never a 5xx', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(20);
    for (const { name, method, path, operation } of ops) {
      const pathParams = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const queryParams = (operation.parameters ?? []).filter((p) => p.in === 'query');
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const request = fc.record({
        who: fc.constantFrom('anonymous', 'customer', 'admin' as const),
        ids: fc.array(badIds, { minLength: pathParams.length, maxLength: pathParams.length }),
        query: fc.array(fc.tuple(fc.constantFrom(...queryParams.map((p) => p.name), 'junk'), fc.oneof(strings, hugeNumbers.map(String))), {
          maxLength: 4,
        }),
        body: fc.oneof(
          shaped(bodySchema).map((value) => ({ json: value })),
          badJsonTexts.map((text) => ({ raw: text })),
        ),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ who, ids, query, body }) => {
          let url = `/api${path}`;
          pathParams.forEach((param, i) => (url = url.replace(`{${param}}`, ids[i]!)));
          const search = new URLSearchParams(query).toString();
          if (search) url += `?${search}`;
          const hasBody = method !== 'get' && method !== 'delete';
          const res = await server.request(method.toUpperCase(), url, {
            token: tokens[who],
            ...(hasBody ? ('raw' in body ? { rawBody: body.raw, headers: { 'content-type': 'application/json' } } : { body: body.json }) : {}),
          });
          expectNoServerError(res, `${name} as ${who}: ${url}`);
        }),
        { numRuns: RUNS_PER_OPERATION, interruptAfterTimeLimit: TIME_LIMIT_MS },
      );
    }
  }, 600_000);
});

// ---- tRPC, from the router ------------------------------------------------------------------

describe('fuzzing every tRPC procedure', () => {
  const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);

  it('answers malformed and edge inputs with 4xx, never a 5xx, single and batched', async () => {
    for (const [path, procedure] of procedures) {
      const query = procedure._def.type === 'query';
      const input = fc.oneof(anyJson.map((value) => ({ json: value })), badJsonTexts.map((text) => ({ raw: text })));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('anonymous', 'customer', 'admin' as const), input, fc.boolean(), async (who, value, batch) => {
          const text = 'raw' in value ? value.raw : JSON.stringify(value.json);
          const sent = batch ? `{"0":${text}}` : text;
          const url = `/trpc/${path}${batch ? '?batch=1' : ''}`;
          const res = query
            ? await server.request('GET', `${url}${batch ? '&' : '?'}input=${encodeURIComponent(sent)}`, { token: tokens[who] })
            : await server.request('POST', url, { token: tokens[who], rawBody: sent, headers: { 'content-type': 'application/json' } });
          expectNoServerError(res, `${path} as ${who}${batch ? ' (batch)' : ''}: ${sent.slice(0, 200)}`);
        }),
        { numRuns: RUNS_PER_OPERATION, interruptAfterTimeLimit: TIME_LIMIT_MS },
      );
    }
  }, 600_000);
});

describe('after the fuzzing', () => {
  it('the server is healthy and serves as before', async () => {
    expect((await server.request('GET', '/health')).status).toBe(200);
    const ready = await server.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect((await server.request('GET', '/api/products')).status).toBe(200);
    // (the fuzzed calls may have signed the customer's own token out: a new session)
    const { token } = await createUserWithToken(server.runtime, 'customer');
    expect((await server.request('GET', '/api/auth/me', { token })).status).toBe(200);
  });
});

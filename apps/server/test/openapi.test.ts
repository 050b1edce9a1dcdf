import { SESSION_COOKIE } from '@commerce/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestResponse, type TestServer } from './helpers';

/**
 * The generated document against the running server: what it promises about errors (statuses,
 * body shape) is checked against real failing requests, not only read back.
 */

interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: boolean | Schema;
  enum?: unknown[];
}
interface Parameter {
  in: string;
  name: string;
  schema: Schema;
}
interface Response {
  description: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: unknown;
  responses: Record<string, Response>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const PASSWORD = 'a fine password';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

let server: TestServer;
let doc: Document;
let staff: string;
let customer: string;
let admin: { userId: number; token: string };
/** A product only refused requests name (validation, body limit): no case takes its stock. */
let widget: { id: number };

let emails = 0;
const uniqueEmail = () => `openapi-${process.pid}-${++emails}-${Date.now()}@example.test`;

beforeAll(async () => {
  server = await startTestServer({
    // A small limit, so a 413 needs only a few KiB; and few login failures before a 429.
    BODY_LIMIT_BYTES: '4096',
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: '2',
  });
  const res = await server.request('GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body as Document;
  staff = (await createUserWithToken(server.runtime, 'staff')).token;
  customer = (await createUserWithToken(server.runtime, 'customer')).token;
  admin = await createUserWithToken(server.runtime, 'admin');
  widget = await productWithStock(2);
});
afterAll(() => server?.close());

/** A product of its own for one case, so that no case depends on the stock another one left. */
async function productWithStock(stock: number): Promise<{ id: number }> {
  const created = await server.request('POST', '/api/products', {
    token: staff,
    body: { name: 'OpenAPI widget', priceCents: 1500, stock },
  });
  expect(created.status).toBe(200);
  return created.body;
}

/** A fresh pending order of the customer, on a product of its own. */
async function placeOneOrder(): Promise<number> {
  const product = await productWithStock(2);
  const placed = await server.request('POST', '/api/orders', {
    token: customer,
    body: { items: [{ productId: product.id, quantity: 1 }] },
  });
  expect(placed.status).toBe(200);
  return placed.body.id as number;
}

function operations(): { key: string; path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
  );
}

function operation(method: string, path: string): Operation {
  const op = doc.paths[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`no operation ${method} ${path} in the document`);
  return op;
}

function resolve(schema: Schema): Schema {
  if (schema.allOf) {
    // Parts merged: required keys add up, a later part narrows a property (an error's `reason`).
    return schema.allOf.map(resolve).reduce<Schema>(
      (merged, part) => ({
        ...merged,
        ...part,
        required: [...new Set([...(merged.required ?? []), ...(part.required ?? [])])],
        properties: { ...merged.properties, ...part.properties },
      }),
      {},
    );
  }
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`dangling $ref ${schema.$ref}`);
  return resolve(target);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

/** A small structural check: types, required keys, enums, additionalProperties: false. */
function violations(schemaOrRef: Schema, value: unknown, at = '$'): string[] {
  const schema = resolve(schemaOrRef);
  const actual = typeOf(value);
  if (schema.type) {
    const types = [schema.type].flat();
    if (!types.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
      return [`${at}: expected ${types.join(' | ')}, got ${actual}`];
    }
  }
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} is not in the enum`);
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${at}.${key}: missing`);
    for (const [key, child] of Object.entries(record)) {
      const property = schema.properties?.[key];
      if (property) problems.push(...violations(property, child, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not allowed`);
    }
  }
  if (actual === 'array' && schema.items) {
    (value as unknown[]).forEach((item, i) => problems.push(...violations(schema.items!, item, `${at}[${i}]`)));
  }
  return problems;
}

function errorSchemaOf(op: Operation, status: number | string): Schema {
  const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
  if (!schema) throw new Error(`status ${status} has no JSON schema`);
  return schema;
}

describe('the documented error statuses', () => {
  it('has a success (200, or 202 for work accepted for later) on every operation, and 400, 401, 403, 404, 413, 500 wherever its shape implies them', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(30);
    for (const { key, path, method, op } of ops) {
      const statuses = Object.keys(op.responses);
      expect(statuses.filter((status) => status === '200' || status === '202'), key).toHaveLength(1);
      expect(statuses, key).toContain('500');
      const hasInputs =
        op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'path' || p.in === 'query');
      if (hasInputs) expect(statuses, `${key}: validation`).toContain('400');
      if (op.security?.length) expect(statuses, `${key}: no or bad token`).toContain('401');
      // Every signed-in change can meet the cookie CSRF guard.
      if (op.security?.length && method !== 'get') expect(statuses, `${key}: cookie without Origin`).toContain('403');
      if (op.requestBody !== undefined) expect(statuses, `${key}: body limit`).toContain('413');
      if (path.includes('{')) expect(statuses, `${key}: unknown id`).toContain('404');
      for (const status of statuses.filter((s) => s !== '200')) {
        expect(op.responses[status]!.description, `${key} ${status}`).toBeTruthy();
      }
    }
  });

  it.each([
    ['post', '/orders'],
    ['post', '/cart/checkout'],
    ['post', '/auth/register'],
    ['put', '/users/{id}/role'],
    ['post', '/orders/{id}/cancel'],
    ['put', '/orders/{id}/status'],
    ['delete', '/categories/{id}'],
    ['post', '/products/{id}/stock-adjustments'],
    ['post', '/orders/{id}/pay'],
  ])('lists 409 on %s %s', (method, path) => {
    expect(Object.keys(operation(method, path).responses)).toContain('409');
  });

  it.each([
    ['post', '/auth/login'],
    ['post', '/auth/register'],
  ])('lists 429 with Retry-After on %s %s', (method, path) => {
    const limited = operation(method, path).responses['429'];
    expect(limited).toBeDefined();
    expect(limited!.headers?.['Retry-After']).toBeDefined();
  });

  it('gives each route its own text, not the first route’s', () => {
    expect(operation('post', '/orders').responses['409']!.description).toMatch(/stock/i);
    expect(operation('post', '/auth/register').responses['409']!.description).toMatch(/email/i);
    expect(operation('put', '/users/{id}/role').responses['409']!.description).toMatch(/last admin/i);
  });

  it('documents no 404 on routes without an id, and no 401 on public ones', () => {
    expect(Object.keys(operation('get', '/products').responses)).not.toContain('404');
    expect(Object.keys(operation('get', '/products').responses)).not.toContain('401');
    expect(Object.keys(operation('get', '/categories').responses).sort()).toEqual(['200', '429', '4XX', '500']);
  });

  it('has a 4xx on every operation; one that refuses nothing itself documents the HTTP layer’s under 4XX', async () => {
    for (const { key, op } of operations()) {
      expect(Object.keys(op.responses).some((s) => s.startsWith('4')), key).toBe(true);
    }
    const malformed = await server.request('GET', '/api/categories%E0%A4%A');
    expect(malformed.status).toBe(400);
    expect(violations(errorSchemaOf(operation('get', '/categories'), '4XX'), malformed.body)).toEqual([]);
  });
});

describe('who may call what', () => {
  it('declares security on every operation: [] when public, the bearer scheme otherwise', () => {
    const schemes = Object.keys((doc as unknown as { components: { securitySchemes: object } }).components.securitySchemes);
    expect(schemes).toEqual(['bearerAuth']);
    for (const { key, op } of operations()) {
      expect([[], [{ bearerAuth: [] }]], key).toContainEqual(op.security);
    }
  });

  it('matches the server: every bearer operation refuses an anonymous call with 401, no public one does', async () => {
    const ops = operations();
    expect(ops.filter(({ op }) => op.security?.length === 0).length).toBeGreaterThanOrEqual(5);
    for (const { key, path, method, op } of ops) {
      const url = `/api${path.replace(/\{[^}]+\}/g, '1')}`;
      // A body wherever the operation documents one (DELETE /auth/me takes one too).
      const res = await server.request(method.toUpperCase(), url, op.requestBody === undefined ? {} : { body: {} });
      if (op.security?.length) expect(res.status, key).toBe(401);
      else expect(res.status, key).not.toBe(401);
    }
  });

  it('names a licence', () => {
    expect((doc as unknown as { info: { license?: { name: string } } }).info.license?.name).toBeTruthy();
  });
});

describe('the documented error body', () => {
  it('is the real shape on every error response: message and code required, data and issues optional, open', () => {
    for (const { key, op } of operations()) {
      for (const status of Object.keys(op.responses).filter((s) => !s.startsWith('2'))) {
        const schema = resolve(errorSchemaOf(op, status));
        const required = status === '409' ? ['code', 'message', 'reason'] : ['code', 'message'];
        expect(schema.required?.sort(), `${key} ${status}`).toEqual(required);
        expect(schema.additionalProperties, `${key} ${status}`).not.toBe(false);
        expect(schema.properties?.data?.properties?.productId?.type).toBe('integer');
        const issue = schema.properties?.issues?.items;
        expect(issue?.required?.sort()).toEqual(['code', 'message', 'path']);
        expect(issue?.additionalProperties).not.toBe(false);
      }
    }
  });

  it('is checked by a check that can fail', () => {
    const schema = errorSchemaOf(operation('post', '/orders'), 409);
    const conflict = { message: 'x', code: 'CONFLICT', reason: 'out_of_stock' };
    expect(violations(schema, conflict)).toEqual([]);
    expect(violations(schema, { message: 'x', reason: 'out_of_stock' })).toEqual(['$.code: missing']);
    expect(violations(schema, { message: 'x', code: 'CONFLICT' })).toEqual(['$.reason: missing']);
    expect(violations(schema, { ...conflict, reason: 'email_taken' })).toEqual(['$.reason: "email_taken" is not in the enum']);
    expect(violations(schema, { ...conflict, data: { code: 'CONFLICT', httpStatus: '409' } })).toEqual([
      '$.data.httpStatus: expected integer, got string',
    ]);
    expect(violations(schema, { ...conflict, issues: [{ message: 'y' }] })).toHaveLength(2);
  });

  it("lists each operation's reasons as an enum, and every 409 has some", () => {
    const reasonsOf = (method: string, path: string, status: number) =>
      resolve(errorSchemaOf(operation(method, path), status)).properties?.reason?.enum;
    expect(reasonsOf('post', '/orders', 409)).toEqual(
      expect.arrayContaining(['out_of_stock', 'idempotency_key_reused']),
    );
    expect(reasonsOf('post', '/cart/checkout', 409)).toEqual(
      expect.arrayContaining(['cart_empty', 'line_unavailable', 'out_of_stock']),
    );
    expect(reasonsOf('put', '/orders/{id}/status', 409)).toContain('illegal_transition');
    expect(reasonsOf('post', '/auth/register', 409)).toEqual(['email_taken']);
    for (const { key, op } of operations()) {
      if (op.responses['409']) expect(resolve(errorSchemaOf(op, 409)).properties?.reason?.enum, key).not.toHaveLength(0);
    }
  });

  it('types every query and path parameter as what the server takes: integers, booleans, enums, no string stand-ins', () => {
    const words = /^(true|false|yes|no|on|off|y|n|enabled|disabled|\d+)$/i;
    for (const { key, op } of operations()) {
      for (const parameter of (op.parameters ?? []).filter((p) => p.in === 'query' || p.in === 'path')) {
        const at = `${key} ${parameter.name}`;
        expect(['string', 'integer', 'number', 'boolean'], at).toContain(parameter.schema.type);
        if (parameter.schema.type === 'string' && parameter.schema.enum) {
          expect(parameter.schema.enum.some((v) => words.test(String(v))), `${at}: booleans or numbers as strings`).toBe(false);
        }
      }
    }
    const flags = operation('get', '/products').parameters!.filter((p) => p.name === 'inStock' || p.name === 'active');
    expect(flags.map((p) => [p.name, p.schema.type, p.schema.enum])).toEqual([
      ['inStock', 'boolean', undefined],
      ['active', 'boolean', undefined],
    ]);
  });

  it('reads true/false (and 1/0) in a URL as booleans, and refuses any other value', async () => {
    const product = await productWithStock(0);
    const ids = async (query: string) => {
      const res = await server.request('GET', `/api/products?limit=50&${query}`, { token: staff });
      expect(res.status, query).toBe(200);
      return (res.body.items as { id: number }[]).map((p) => p.id);
    };
    expect(await ids('inStock=false')).toContain(product.id);
    expect(await ids('inStock=0')).toContain(product.id);
    expect(await ids('inStock=true')).not.toContain(product.id);
    expect(await ids('inStock=1')).not.toContain(product.id);
    for (const value of ['yes', 'TRUE', 'maybe', '2']) {
      const res = await server.request('GET', `/api/products?inStock=${value}`);
      expect(res.status, value).toBe(400);
      expect(res.body.issues, value).toEqual([expect.objectContaining({ path: ['inStock'] })]);
    }
  });
});

interface Case {
  name: string;
  method: string;
  /** The operation's path in the document. */
  path: string;
  status: number;
  send(): Promise<TestResponse>;
  /** Extra checks of the body beyond the schema. */
  body?(body: Record<string, unknown>): void;
}

const validationIssues = (path: unknown[]) => (body: Record<string, unknown>) => {
  expect(body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
};

/** The product of the "not enough stock" case, made by its `send`. */
let scarce: { id: number };

const cases: Case[] = [
  {
    name: 'an unknown product',
    method: 'GET',
    path: '/products/{id}',
    status: 404,
    send: () => server.request('GET', '/api/products/999999'),
  },
  {
    name: 'a malformed product id',
    method: 'GET',
    path: '/products/{id}',
    status: 400,
    send: () => server.request('GET', '/api/products/abc'),
    body: validationIssues(['id']),
  },
  {
    name: 'a limit over 50',
    method: 'GET',
    path: '/products',
    status: 400,
    send: () => server.request('GET', '/api/products?limit=51'),
    body: validationIssues(['limit']),
  },
  {
    name: 'a taken email',
    method: 'POST',
    path: '/auth/register',
    status: 409,
    send: async () => {
      const email = uniqueEmail();
      expect((await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } })).status).toBe(200);
      return server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD } });
    },
    body: (body) => expect(body.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, field: 'email' }),
  },
  {
    name: 'a wrong password',
    method: 'POST',
    path: '/auth/login',
    status: 401,
    send: () => server.request('POST', '/api/auth/login', { body: { email: uniqueEmail(), password: 'wrong password' } }),
  },
  {
    name: 'too many failed sign-ins',
    method: 'POST',
    path: '/auth/login',
    status: 429,
    send: async () => {
      const body = { email: uniqueEmail(), password: 'wrong password' };
      for (let i = 0; i < 2; i++) expect((await server.request('POST', '/api/auth/login', { body })).status).toBe(401);
      const limited = await server.request('POST', '/api/auth/login', { body });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      return limited;
    },
  },
  {
    name: 'a quantity of 0',
    method: 'POST',
    path: '/orders',
    status: 400,
    send: () =>
      server.request('POST', '/api/orders', { token: customer, body: { items: [{ productId: widget.id, quantity: 0 }] } }),
    body: validationIssues(['items', 0, 'quantity']),
  },
  {
    name: 'a productId that names nothing',
    method: 'POST',
    path: '/orders',
    status: 400,
    send: () =>
      server.request('POST', '/api/orders', { token: customer, body: { items: [{ productId: 999999, quantity: 1 }] } }),
    body: (body) => expect(body.data).toMatchObject({ field: 'productId', productId: 999999 }),
  },
  {
    name: 'malformed JSON (a framework error: message and code only)',
    method: 'POST',
    path: '/orders',
    status: 400,
    send: () => server.request('POST', '/api/orders', { token: customer, rawBody: '{"items": [' }),
    body: (body) => expect(Object.keys(body).sort()).toEqual(['code', 'message']),
  },
  {
    name: 'not enough stock',
    method: 'POST',
    path: '/orders',
    status: 409,
    send: async () => {
      scarce = await productWithStock(2);
      return server.request('POST', '/api/orders', { token: customer, body: { items: [{ productId: scarce.id, quantity: 3 }] } });
    },
    body: (body) => {
      expect(body.message).toContain(String(scarce.id));
      expect(body.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409, path: 'orders.create', productId: scarce.id });
    },
  },
  {
    name: 'a body over the size limit',
    method: 'POST',
    path: '/orders',
    status: 413,
    send: () =>
      server.request('POST', '/api/orders', {
        token: customer,
        body: { items: [{ productId: widget.id, quantity: 1 }], shippingAddress: { name: 'x'.repeat(8192) } },
      }),
    body: (body) => expect(body.code).toBe('PAYLOAD_TOO_LARGE'),
  },
  {
    name: 'my orders without a token',
    method: 'GET',
    path: '/orders/me',
    status: 401,
    send: () => server.request('GET', '/api/orders/me'),
  },
  {
    name: 'a customer listing all orders',
    method: 'GET',
    path: '/orders',
    status: 403,
    send: () => server.request('GET', '/api/orders', { token: customer }),
  },
  {
    name: 'a cookie-authenticated logout without an Origin',
    method: 'POST',
    path: '/auth/logout',
    status: 403,
    send: () => server.request('POST', '/api/auth/logout', { headers: { cookie: `${SESSION_COOKIE}=${customer}` } }),
  },
  {
    name: 'an unknown order',
    method: 'GET',
    path: '/orders/{id}',
    status: 404,
    send: () => server.request('GET', '/api/orders/99999999', { token: customer }),
  },
  {
    name: 'checkout of an empty cart',
    method: 'POST',
    path: '/cart/checkout',
    status: 409,
    send: () => server.request('POST', '/api/cart/checkout', { token: customer, body: {} }),
  },
  {
    name: 'cancelling an order twice',
    method: 'POST',
    path: '/orders/{id}/cancel',
    status: 409,
    send: async () => {
      const orderId = await placeOneOrder();
      expect((await server.request('POST', `/api/orders/${orderId}/cancel`, { token: customer })).status).toBe(200);
      return server.request('POST', `/api/orders/${orderId}/cancel`, { token: customer });
    },
  },
  {
    name: 'a status move the machine forbids',
    method: 'PUT',
    path: '/orders/{id}/status',
    status: 409,
    send: async () => {
      const orderId = await placeOneOrder();
      return server.request('PUT', `/api/orders/${orderId}/status`, { token: staff, body: { status: 'delivered' } });
    },
  },
  {
    name: 'paying for a cancelled order',
    method: 'POST',
    path: '/orders/{id}/pay',
    status: 409,
    send: async () => {
      const orderId = await placeOneOrder();
      expect((await server.request('POST', `/api/orders/${orderId}/cancel`, { token: customer })).status).toBe(200);
      return server.request('POST', `/api/orders/${orderId}/pay`, { token: customer });
    },
  },
  {
    name: 'a Stripe webhook on a server without Stripe (a plain route: message and code only)',
    method: 'POST',
    path: '/webhooks/stripe',
    status: 404,
    send: () => server.request('POST', '/api/webhooks/stripe', { rawBody: '{}', headers: { 'stripe-signature': 't=1,v1=00' } }),
    body: (body) => expect(Object.keys(body).sort()).toEqual(['code', 'message']),
  },
  {
    name: 'the last admin giving up the role',
    method: 'PUT',
    path: '/users/{id}/role',
    status: 409,
    send: () =>
      server.request('PUT', `/api/users/${admin.userId}/role`, { token: admin.token, body: { role: 'customer' } }),
  },
];

describe('the document against real failing requests', () => {
  it.each(cases.map((c) => [`${c.method} ${c.path}, ${c.name}: a documented ${c.status} and body`, c] as const))('%s', async (_, c) => {
    const res = await c.send();
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    const op = operation(c.method, c.path);
    expect(Object.keys(op.responses), `${c.method} ${c.path} documents ${c.status}`).toContain(String(c.status));
    expect(violations(errorSchemaOf(op, c.status), res.body)).toEqual([]);
    expect(res.body.code).toBeTypeOf('string');
    c.body?.(res.body);
  });
});

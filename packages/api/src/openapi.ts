import { defaultSettings, MAX_STREAM_PRODUCTS, orderCsvColumns, orderStatusSchema, productCsvColumns, productImageOutput, reasonOf, stockFigure, type Reason } from '@commerce/core';
import { generateOpenApiDocument, type OpenAPIObject } from 'trpc-to-openapi';
import { z } from 'zod';
import { errorResponses, statusOfRule } from './errors';
import { appRouter } from './root';
import type { RouteMeta } from './trpc';

export const OPENAPI_BASE_PATH = '/api';

type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/** The name of the one error body schema under components.schemas. */
export const ERROR_SCHEMA = 'Error';

/**
 * Every error body the REST API writes. Procedure errors are trpc-to-openapi's body: tRPC's
 * error shape (with `data` from the errorFormatter in trpc.ts) plus `code` as a string, and
 * `issues` from zod for validation errors. Errors raised before a procedure runs (malformed
 * JSON, a body over the limit, an unknown route) carry only `message` and `code`.
 */
const errorSchema: SchemaObject = {
  type: 'object',
  title: 'Error',
  description: 'An error: `message` for people, `code` for programs.',
  required: ['message', 'code'],
  properties: {
    message: {
      type: 'string',
      description: 'Human-readable; never SQL, stack traces or secrets.',
      example: 'Insufficient stock for product 7: 3 requested, 1 available',
    },
    code: {
      type: 'string',
      description: 'The tRPC error code of the status, e.g. BAD_REQUEST (400), CONFLICT (409), TOO_MANY_REQUESTS (429).',
      example: 'CONFLICT',
    },
    reason: {
      type: 'string',
      description:
        'Every 409, and every 400 that names a business rule, carries a stable snake_case reason to branch on (each operation lists its own); it never changes meaning. `data` names the ids concerned (`productId`, `variantId`).',
      example: 'out_of_stock',
    },
    data: {
      type: 'object',
      description: 'Present when a procedure raised the error.',
      required: ['code', 'httpStatus'],
      properties: {
        code: { type: 'string', description: 'Same as the top-level `code`.', example: 'CONFLICT' },
        httpStatus: { type: 'integer', description: 'Same as the response status.', example: 409 },
        path: { type: 'string', description: 'The procedure, e.g. `orders.create`.', example: 'orders.create' },
        field: { type: 'string', description: 'The input field at fault, when one is.', example: 'items' },
        productId: { type: 'integer', description: 'The product at fault (stock, availability), when one is.', example: 7 },
        variantId: { type: 'integer', description: 'The variant at fault (stock, availability), when one is.', example: 12 },
        reason: { type: 'string', description: 'Same as the top-level `reason`.', example: 'out_of_stock' },
      },
      additionalProperties: true,
    },
    issues: {
      type: 'array',
      description: 'Validation errors only (message `Input validation failed`): one zod issue per problem.',
      items: {
        type: 'object',
        required: ['code', 'path', 'message'],
        properties: {
          code: { type: 'string', description: 'The zod issue code, e.g. `too_big`.', example: 'too_big' },
          path: {
            type: 'array',
            description: 'Where in the input, e.g. ["items", 0, "quantity"].',
            items: { type: ['string', 'integer'] },
            example: ['limit'],
          },
          message: { type: 'string', example: 'Too big: expected number to be <=50' },
        },
        additionalProperties: true,
      },
    },
  },
  additionalProperties: true,
};

const retryAfterHeader = {
  description: 'Seconds until the limit lets the caller try again.',
  schema: { type: 'integer', minimum: 1 },
};

type Operation = { responses?: Record<string, unknown>; security?: unknown[] };

interface OperationErrors {
  texts: Record<string, string>;
  /** The `reason`s each status can carry. */
  reasons: Record<string, Reason[]>;
}

/** Each procedure's RouteMeta, by its dotted path (a flat record at run time, whatever its nested type says). */
const procedureMetas = () =>
  Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: RouteMeta } }>).map(
    ([path, procedure]) => [path, procedure._def.meta] as const,
  );

/** Built on first use: the REST adapter asks on every answer, and the router never changes. */
let successStatuses: Map<string, number> | undefined;

/** The REST status of a procedure's success (202 for work accepted to happen later), for the REST adapter. */
export function successStatusOf(path: string): number | undefined {
  successStatuses ??= new Map(procedureMetas().flatMap(([p, meta]) => (meta?.successStatus ? [[p, meta.successStatus] as const] : [])));
  return successStatuses.get(path);
}

/** Moves the generated 200 of an operation whose success is another status to that status. */
function describeSuccessStatuses(document: OpenAPIObject): OpenAPIObject {
  for (const [, meta] of procedureMetas()) {
    if (!meta?.successStatus || !meta.openapi) continue;
    const operation = (document.paths?.[meta.openapi.path] as Record<string, Operation> | undefined)?.[meta.openapi.method.toLowerCase()];
    if (!operation?.responses?.['200']) continue;
    const { '200': success, ...rest } = operation.responses;
    operation.responses = { [String(meta.successStatus)]: success, ...rest };
  }
  return document;
}

/** `errorResponses` and rule reasons of each REST procedure, by the method and path of its operation. */
function errorsByOperation(): Map<string, OperationErrors> {
  const found = new Map<string, OperationErrors>();
  // At run time a flat record by dotted path, whatever its nested type says (trpc-to-openapi reads it so).
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: RouteMeta } }>;
  for (const procedure of Object.values(procedures)) {
    const meta = procedure._def.meta;
    const openapi = meta?.openapi;
    if (!openapi) continue;
    const reasons: Record<string, Reason[]> = {};
    for (const code of meta.reasons ?? []) (reasons[statusOfRule(code)] ??= []).push(reasonOf(code));
    const texts = openapi.errorResponses && !Array.isArray(openapi.errorResponses) ? openapi.errorResponses : {};
    found.set(`${openapi.method.toLowerCase()} ${openapi.path}`, { texts, reasons });
  }
  return found;
}

const errorRef = { $ref: `#/components/schemas/${ERROR_SCHEMA}` };

/**
 * The error body, with `reason` narrowed to the rules this response can report: always present
 * on a 409, on a 400 only when a rule (not a malformed field) refused the request.
 */
const errorBodyWith = (status: string, reasons: Reason[] | undefined) =>
  reasons?.length
    ? {
        allOf: [
          errorRef,
          {
            type: 'object',
            ...(status === '409' && { required: ['reason'] }),
            properties: { reason: { type: 'string', enum: [...new Set(reasons)].sort() } },
          },
        ],
      }
    : errorRef;

/**
 * Makes every error response describe the body the server really writes (trpc-to-openapi's
 * `error.*` schemas allow only { message, code, issues: [{ message }] } and no other key), and
 * gives each its route's own text: trpc-to-openapi caches error responses by code, so every
 * route would otherwise show the first route's text for, say, 409.
 */
function describeErrors(document: OpenAPIObject): OpenAPIObject {
  const errors = errorsByOperation();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      if (!operation?.responses) continue;
      const own = errors.get(`${method} ${path}`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]\d\d$/.test(status)) continue;
        operation.responses[status] = {
          description: own?.texts[status] ?? (response as { description?: string }).description ?? 'An error',
          ...(status === '429' && { headers: { 'Retry-After': retryAfterHeader } }),
          content: { 'application/json': { schema: errorBodyWith(status, own?.reasons[status]) } },
        };
      }
    }
  }
  const schemas = Object.fromEntries(
    Object.entries(document.components?.schemas ?? {}).filter(([name]) => !name.startsWith('error.')),
  );
  document.components = { ...document.components, schemas: { ...schemas, [ERROR_SCHEMA]: errorSchema } };
  return document;
}

/** Where product images are uploaded: a Fastify route in apps/server (multipart, which trpc-to-openapi cannot read). */
export const PRODUCT_IMAGES_PATH = `${OPENAPI_BASE_PATH}/products/{id}/images`;

/** The live stock stream (Server-Sent Events), a plain Fastify route in apps/server. */
export const STOCK_EVENTS_PATH = `${OPENAPI_BASE_PATH}/events/stock`;

/** Where Stripe posts its events; a plain Fastify route in apps/server (it needs the raw body). */
export const STRIPE_WEBHOOK_PATH = `${OPENAPI_BASE_PATH}/webhooks/stripe`;
/** Where PayPal posts its events; the same route as Stripe's, by provider name. */
export const PAYPAL_WEBHOOK_PATH = `${OPENAPI_BASE_PATH}/webhooks/paypal`;

const errorContent = { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } };

/**
 * The payment webhooks are not procedures (their signatures cover the raw bytes, which tRPC
 * never sees), so trpc-to-openapi cannot describe them: they are added here by hand.
 */
function describeWebhooks(document: OpenAPIObject): OpenAPIObject {
  const error = (description: string) => ({ description, content: errorContent });
  const jsonBody = (schema: Record<string, unknown>) => ({ required: true, content: { 'application/json': { schema } } });
  /** What every webhook can answer whoever sends it: the HTTP layer's limits and a bug. */
  const sharedErrors = (sender: string) => ({
    '413': error('Body over the size limit (1 MiB by default)'),
    '429': { ...error(`Too many requests from this address; ${sender} retries later`), headers: { 'Retry-After': retryAfterHeader } },
    '500': error(`Internal error: a bug or an unavailable database (the message is generic); ${sender} retries`),
  });
  const received = {
    description: 'Received: applied, already applied, or ignored',
    content: {
      'application/json': {
        schema: { type: 'object' as const, required: ['received'], properties: { received: { type: 'boolean' as const, enum: [true] } } },
      },
    },
  };
  document.paths = {
    ...document.paths,
    [STRIPE_WEBHOOK_PATH.slice(OPENAPI_BASE_PATH.length)]: {
      post: {
        operationId: 'webhooks-stripe',
        tags: ['payments'],
        summary: 'Stripe events (called by Stripe, not by storefronts)',
        description:
          'Verifies `Stripe-Signature` over the raw body with STRIPE_WEBHOOK_SECRET (300 s tolerance) and applies each event once, however often Stripe sends it. `payment_intent.succeeded` marks the order `paid` when its amount and currency match the order (otherwise the order is flagged for staff in `attention` and stays pending); a payment reaching a cancelled or expired order is refunded and the order flagged. `payment_intent.payment_failed` is written to the order timeline; `charge.refunded` (a full refund) marks it `refunded`; other types, and events for payments the store did not open, are answered 200 and ignored. A correctly signed event whose object lacks the fields the store reads is a 400.',
        security: [],
        parameters: [
          {
            in: 'header',
            name: 'Stripe-Signature',
            required: true,
            description: 'Set by Stripe: `t=<unix time>,v1=<HMAC-SHA256 of "<t>.<raw body>">`',
            schema: { type: 'string' },
          },
        ],
        requestBody: jsonBody({
          type: 'object',
          description: 'A Stripe Event object',
          required: ['id', 'type', 'data'],
          properties: {
            id: { type: 'string', example: 'evt_1Nq…' },
            type: { type: 'string', example: 'payment_intent.succeeded' },
            data: { type: 'object', properties: { object: { type: 'object' } }, additionalProperties: true },
          },
          additionalProperties: true,
        }),
        responses: {
          '200': received,
          '400': error('Missing, malformed or expired `Stripe-Signature`, a signature that does not match the body, a body that is not an event, or a used event type missing the fields the store reads'),
          '404': error('Stripe is not configured on this server (no STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET)'),
          ...sharedErrors('Stripe'),
          '502': error('Refunding a payment that arrived for a cancelled order failed; Stripe retries'),
        },
      },
    },
    [PAYPAL_WEBHOOK_PATH.slice(OPENAPI_BASE_PATH.length)]: {
      post: {
        operationId: 'webhooks-paypal',
        tags: ['payments'],
        summary: 'PayPal events (called by PayPal, not by storefronts)',
        description:
          "Checks the transmission headers with PayPal's verify-webhook-signature call for PAYPAL_WEBHOOK_ID, then applies each event once. `CHECKOUT.ORDER.APPROVED` makes the store capture the payment while the order is pending and its amount matches (the order becomes `paid`); `PAYMENT.CAPTURE.COMPLETED` marks it `paid`; `PAYMENT.CAPTURE.DENIED` is written to the timeline; `PAYMENT.CAPTURE.REFUNDED` (in full) marks it `refunded`. Other types are answered 200 and ignored.",
        security: [],
        parameters: ['PAYPAL-TRANSMISSION-ID', 'PAYPAL-TRANSMISSION-TIME', 'PAYPAL-TRANSMISSION-SIG', 'PAYPAL-CERT-URL', 'PAYPAL-AUTH-ALGO'].map(
          (name) => ({ in: 'header' as const, name, required: true, description: 'Set by PayPal', schema: { type: 'string' as const } }),
        ),
        requestBody: jsonBody({
          type: 'object',
          description: 'A PayPal webhook event',
          required: ['id', 'event_type', 'resource'],
          properties: {
            id: { type: 'string', example: 'WH-2WR32451HC0233532-67976317FL4543714' },
            event_type: { type: 'string', example: 'CHECKOUT.ORDER.APPROVED' },
            resource: { type: 'object', additionalProperties: true },
          },
          additionalProperties: true,
        }),
        responses: {
          '200': received,
          '400': error('Missing transmission headers, a signature PayPal does not confirm, or a body that is not an event PayPal would send'),
          '404': error('PayPal webhooks are not configured on this server (no PAYPAL_CLIENT_ID or PAYPAL_WEBHOOK_ID)'),
          ...sharedErrors('PayPal'),
          '502': error('PayPal could not be asked (verification, capture or refund failed); PayPal retries'),
        },
      },
    },
  };
  return document;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

function* operationsOf(document: OpenAPIObject): Generator<Operation> {
  for (const item of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      if (METHODS.has(method) && operation) yield operation;
    }
  }
}

/**
 * Rules every operation follows, whichever router it comes from, so that generators and
 * linters can rely on them:
 * - a public operation (`protect: false`) says so with `security: []` (trpc-to-openapi leaves
 *   it out, which reads as "forgot to say");
 * - an operation whose procedure refuses no input of its own still documents the client errors
 *   it can meet before it runs (a URL that cannot be decoded), under `4XX`, with the one error body.
 */
function describeEveryOperation(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operationsOf(document)) {
    operation.security ??= [];
    const responses = (operation.responses ??= {});
    // A 429 comes from the rate limits in front of every operation, not from the operation.
    if (!Object.keys(responses).some((status) => /^4(\d\d|XX)$/.test(status) && status !== '429')) {
      responses['4XX'] = {
        description:
          'The operation refuses no input itself: another client error can only come from the HTTP layer in front of it, such as a URL that cannot be decoded (400)',
        content: errorContent,
      };
    }
  }
  return document;
}

const MIB = 1024 * 1024;

/**
 * The image upload is multipart, which trpc-to-openapi cannot describe (nor serve): its route
 * is written by hand in apps/server and its operation here, from the same schemas.
 */
function describeImageUpload(document: OpenAPIObject): OpenAPIObject {
  const { $schema: _, ...imageSchema } = z.toJSONSchema(productImageOutput, { io: 'output' });
  const texts = errorResponses(
    { access: 'staff', mutation: true, input: true },
    {
      400: 'not `multipart/form-data`, no `file` field, more than one file, a file that is not a JPEG, PNG, WebP or AVIF image (recognised by its bytes, not its name or declared type), a damaged image, one over the pixel limit (MEDIA_MAX_PIXELS, 40 million by default), a `variantId` that is not one of this product’s variants (reason `variant_mismatch`, `data.field` is `variantId`), or a product that has 20 images already',
      404: 'No product with this id',
      413: `The file is over the size limit (MEDIA_MAX_BYTES, ${defaultSettings.mediaMaxBytes / MIB} MiB by default)`,
    },
  );
  const responses = Object.fromEntries(
    Object.entries(texts).map(([status, description]) => [
      status,
      { description, content: { 'application/json': { schema: errorBodyWith(status, status === '400' ? [reasonOf('VARIANT_MISMATCH')] : undefined) } } },
    ]),
  );
  const idParameter = { type: 'integer' as const, exclusiveMinimum: 0, maximum: 2_147_483_647 };
  const path = PRODUCT_IMAGES_PATH.slice(OPENAPI_BASE_PATH.length);
  document.paths = {
    ...document.paths,
    [path]: {
      ...document.paths?.[path],
      post: {
        operationId: 'productImages-upload',
        tags: ['catalog'],
        summary: 'Upload a product image (staff)',
        description:
          'Stores the image after the product’s last one. The original is kept re-encoded in its own format, turned upright and stripped of metadata (EXIF, GPS position, XMP); WebP renditions of 200, 600 and 1200 px on the long side (never enlarged) sit beside it. Files are served under /media/ with `Cache-Control: public, max-age=31536000, immutable`: a new upload always gets a new URL. Delete with DELETE /products/{id}/images/{imageId}; reorder with PUT /products/{id} `images`.',
        security: [{ bearerAuth: [] }],
        parameters: [{ in: 'path', name: 'id', required: true, schema: idParameter }],
        requestBody: {
          required: true,
          content: {
            'multipart/form-data': {
              schema: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: { type: 'string', format: 'binary', description: 'A JPEG, PNG, WebP or AVIF image; its name and declared type are ignored.' },
                  alt: { type: 'string', maxLength: 300, default: '', description: 'Text for people who cannot see the image.' },
                  variantId: { ...idParameter, description: 'The variant the image shows: one of this product’s.' },
                },
              },
              encoding: { file: { contentType: 'image/jpeg, image/png, image/webp, image/avif' } },
            },
          },
        },
        responses: {
          '200': { description: 'The stored image', content: { 'application/json': { schema: imageSchema } } },
          ...responses,
        },
      },
    },
  };
  return document;
}

/** An order's invoice: a Fastify route in apps/server (a PDF, which trpc-to-openapi cannot answer). */
export const INVOICE_PATH = `${OPENAPI_BASE_PATH}/orders/{id}/invoice`;

/** The invoice answers a PDF, written by hand in apps/server like the image upload. */
function describeInvoice(document: OpenAPIObject): OpenAPIObject {
  const texts = errorResponses(
    { access: 'signedIn', input: true },
    { 404: 'No order with this id, or one the caller may not see', 409: 'The order is not paid yet: it has no invoice (reason `order_not_invoiced`)' },
  );
  const responses = Object.fromEntries(
    Object.entries(texts).map(([status, description]) => [
      status,
      {
        description,
        ...(status === '429' && { headers: { 'Retry-After': retryAfterHeader } }),
        content: { 'application/json': { schema: errorBodyWith(status, status === '409' ? [reasonOf('ORDER_NOT_INVOICED')] : undefined) } },
      },
    ]),
  );
  const path = INVOICE_PATH.slice(OPENAPI_BASE_PATH.length);
  document.paths = {
    ...document.paths,
    [path]: {
      ...document.paths?.[path],
      get: {
        operationId: 'orders-invoice',
        tags: ['orders'],
        summary: "An order's invoice (PDF)",
        description:
          'Owner, staff and admin. An order gets its invoice number (`INV-<year>-<six digits>`, sequential without gaps within the year) when it becomes paid; the PDF shows the store, the number and date, the lines, the total and the currency.',
        security: [{ bearerAuth: [] }],
        parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'integer', exclusiveMinimum: 0, maximum: 2_147_483_647 } }],
        responses: {
          '200': { description: 'The invoice', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } },
          ...responses,
        },
      },
    },
  };
  return document;
}

/** The CSV exports: Fastify routes in apps/server (streamed text/csv, which trpc-to-openapi cannot answer). */
export const PRODUCTS_EXPORT_PATH = `${OPENAPI_BASE_PATH}/exports/products.csv`;
export const ORDERS_EXPORT_PATH = `${OPENAPI_BASE_PATH}/exports/orders.csv`;

function describeExports(document: OpenAPIObject): OpenAPIObject {
  const texts = errorResponses({ access: 'staff', input: true });
  const responses = Object.fromEntries(
    Object.entries(texts).map(([status, description]) => [
      status,
      { description, ...(status === '429' && { headers: { 'Retry-After': retryAfterHeader } }), content: errorContent },
    ]),
  );
  const query = (name: string, schema: Record<string, unknown>, description: string) => ({ in: 'query' as const, name, required: false, description, schema });
  const csv = (what: string, columns: readonly string[]) => ({
    '200': {
      description: `${what}, streamed (rows are read in batches as the client takes them, so memory stays flat however many there are). Columns: ${columns.map((c) => `\`${c}\``).join(', ')}.`,
      content: { 'text/csv': { schema: { type: 'string' } } },
    },
    ...responses,
  });
  const id = { type: 'integer', exclusiveMinimum: 0, maximum: 2_147_483_647 };
  const flag = { type: 'boolean' };
  document.paths = {
    ...document.paths,
    [PRODUCTS_EXPORT_PATH.slice(OPENAPI_BASE_PATH.length)]: {
      get: {
        operationId: 'exports-products',
        tags: ['catalog'],
        summary: 'Export products as CSV, one row per live variant (staff)',
        description:
          'The staff product list\'s filters. Importing the same file again (admin, products.importCsv) changes nothing: rows match variants by `sku`.',
        security: [{ bearerAuth: [] }],
        parameters: [
          query('q', { type: 'string', maxLength: 200 }, 'Full-text search over name and description, or an exact sku'),
          query('categoryId', id, 'A category and its subcategories'),
          query('minPriceCents', { type: 'integer', minimum: 0 }, 'Inclusive'),
          query('maxPriceCents', { type: 'integer', minimum: 0 }, 'Inclusive'),
          query('inStock', flag, 'Only products with or without stock'),
          query('active', flag, 'Only active or inactive products'),
        ],
        responses: csv('The products', productCsvColumns),
      },
    },
    [ORDERS_EXPORT_PATH.slice(OPENAPI_BASE_PATH.length)]: {
      get: {
        operationId: 'exports-orders',
        tags: ['orders'],
        summary: 'Export orders as CSV, newest first (staff)',
        description: 'The staff order list\'s filters. Amounts are integer minor units of `currency`.',
        security: [{ bearerAuth: [] }],
        parameters: [
          query('status', { type: 'string', enum: [...orderStatusSchema.options] }, 'One status'),
          query('userId', id, "One customer's orders"),
          query('customer', { type: 'string', maxLength: 200 }, "Part of the customer's email or name"),
        ],
        responses: csv('The orders', orderCsvColumns),
      },
    },
  };
  return document;
}

/** The live stock stream is Server-Sent Events, which trpc-to-openapi cannot serve: described by hand. */
function describeStockStream(document: OpenAPIObject): OpenAPIObject {
  const { $schema: _, ...figure } = z.toJSONSchema(stockFigure, { io: 'output' });
  document.paths = {
    ...document.paths,
    [STOCK_EVENTS_PATH.slice(OPENAPI_BASE_PATH.length)]: {
      get: {
        operationId: 'events-stock',
        tags: ['catalog'],
        summary: 'Live stock of some products (Server-Sent Events)',
        description: `A \`text/event-stream\` that stays open. It starts with one \`stock\` event per live variant of the listed products that are for sale (their current figure), then sends one whenever a listed product's variant changes stock or availability, from any server process, once the change commits. Events after the first figures carry an \`id\`: a client that reconnects with \`Last-Event-ID\` (EventSource does) gets what it missed; when that is no longer kept (the replay buffer holds about the last 10 000 events with Redis, 1 000 without), it gets \`event: reset\` followed by fresh figures. A comment line every 15 s keeps idle proxies from closing a quiet stream.`,
        security: [],
        parameters: [
          {
            in: 'query',
            name: 'productIds',
            required: true,
            description: `1 to ${MAX_STREAM_PRODUCTS} comma-separated product ids`,
            schema: { type: 'string', pattern: '^\\d{1,10}(,\\d{1,10})*$', example: '1,2,3' },
          },
          { in: 'header', name: 'Last-Event-ID', required: false, description: 'The id of the last event received, to resume after it', schema: { type: 'string', maxLength: 64 } },
        ],
        responses: {
          '200': {
            description: 'The stream. Each `stock` event\'s `data` is the JSON object below; a `reset` event\'s is `{}`.',
            content: { 'text/event-stream': { schema: { ...figure, description: 'The `data` of a `stock` event' } } },
          },
          '400': { description: `\`productIds\` missing, malformed, or more than ${MAX_STREAM_PRODUCTS} ids`, content: errorContent },
          '429': { description: 'Too many requests from this address; retry after `Retry-After`', content: errorContent, headers: { 'Retry-After': retryAfterHeader } },
          '500': { description: 'Internal error: a bug or an unavailable database (the message is generic)', content: errorContent },
          '503': { description: 'This server holds as many streams as it may (LIVE_MAX_STREAMS); retry after `Retry-After`', content: errorContent, headers: { 'Retry-After': retryAfterHeader } },
        },
      },
    },
  };
  return document;
}

/** The storefront REST contract, generated from the routers so it cannot drift from them. */
export function createOpenApiDocument(baseUrl = OPENAPI_BASE_PATH) {
  const generated = generateOpenApiDocument(appRouter, {
    title: 'Commerce storefront API',
    description:
      'REST for storefronts, generated from the tRPC routers. Money is integer minor units plus an ISO 4217 currency. Authenticate with `Authorization: Bearer <token>` from /auth/register or /auth/login.',
    version: '0.1.0',
    baseUrl,
    securitySchemes: {
      bearerAuth: { type: 'http', scheme: 'bearer', description: 'Session token from /auth/login or /auth/register' },
    },
  });
  generated.info.license = LICENSE;
  return describeEveryOperation(
    describeExports(describeInvoice(describeStockStream(describeImageUpload(describeWebhooks(describeSuccessStatuses(describeErrors(generated))))))),
  );
}

/** The project's licence (the one of the repository and of @commerce/client). */
const LICENSE = { name: 'MIT', identifier: 'MIT' };

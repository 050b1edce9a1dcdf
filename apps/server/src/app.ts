import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  appErrorResponse,
  appRouter,
  createContext,
  createOpenApiDocument,
  errorHeaders,
  OPENAPI_BASE_PATH,
  SESSION_COOKIE,
  type RequestInfo,
} from '@commerce/api';
import { AppError, receivePaymentWebhook, resolveViewer } from '@commerce/core';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import type { TRPCError } from '@trpc/server';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { fastifyTRPCOpenApiPlugin } from 'trpc-to-openapi';
import type { Config } from './config';
import type { Runtime } from './deps';
import { registerCatalogCache } from './catalog-cache';
import { registerMetrics } from './metrics';

const require = createRequire(import.meta.url);

const statusCodeNames: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_SUPPORTED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
};

function requestInfo(config: Config, req: FastifyRequest, reply: FastifyReply): RequestInfo {
  return {
    ip: req.ip,
    allowedOrigins: config.CORS_ORIGINS,
    header: (name) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    },
    cookie: (name) => req.cookies[name],
    setHeader: (name, value) => void reply.header(name, value),
    setCookie: (name, value, options) =>
      void reply.setCookie(name, value, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.NODE_ENV === 'production',
        expires: options.expires,
        maxAge: options.maxAgeSeconds,
      }),
    clearCookie: (name) => void reply.clearCookie(name, { path: '/' }),
  };
}

// No request needs more; deeper bodies would overflow the stack of recursive code downstream.
const MAX_JSON_DEPTH = 32;

/** How deeply arrays and objects nest in a JSON text (brackets inside strings do not count). */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* backslash */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) deepest = Math.max(deepest, ++depth);
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}

/** A bug (500) or a failing outside service (502: the payment provider): worth an error log line. */
const serverSide = (error: { code: string }) => error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'BAD_GATEWAY';

export interface BuildOptions {
  config: Config;
  runtime: Runtime;
}

export async function buildServer({ config, runtime }: BuildOptions) {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 500 },
    // Errors raised before routing (a malformed URL) get the same JSON body as every other error.
    frameworkErrors: (error, _req, reply: FastifyReply) => {
      void reply.status(400).send({ message: error.message, code: 'BAD_REQUEST' });
    },
  });
  const { deps } = runtime;

  // An empty JSON body means "no fields" (POST /auth/logout needs none); malformed JSON is a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      return done(Object.assign(new Error(`JSON body nested deeper than ${MAX_JSON_DEPTH} levels`), { statusCode: 400 }));
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('Malformed JSON body'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // During shutdown, answers to in-flight requests close their keep-alive connections, so
  // the server can drain instead of waiting for idle clients to hang up.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (req, reply) => {
    if (closing) reply.header('connection', 'close');
    // Staff changes must be visible at once through any HTTP cache in between, and nothing
    // answered to a signed-in caller, or to a write (a login's token), may be kept by one.
    if (!reply.hasHeader('cache-control')) {
      const credentialed = req.headers.authorization !== undefined || req.cookies?.[SESSION_COOKIE] !== undefined;
      const read = req.method === 'GET' || req.method === 'HEAD';
      reply.header('cache-control', read && !credentialed ? 'no-cache' : 'private, no-store');
    }
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    const message =
      status >= 500 ? 'Internal server error' : status === 413 ? 'Request body too large' : error.message;
    void reply.status(status).send({ message, code: statusCodeNames[status] ?? 'INTERNAL_SERVER_ERROR' });
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ message: `Route ${req.method} ${req.url.split('?')[0]} not found`, code: 'NOT_FOUND' });
  });

  await app.register(fastifyCookie);
  await app.register(fastifyCors, {
    origin: config.CORS_ORIGINS,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id', 'x-cache'],
  });
  registerMetrics(app);
  // After CORS, whose headers a cache hit must carry too.
  registerCatalogCache(app, { cache: deps.cache, ttlSeconds: config.CATALOG_CACHE_SECONDS });

  const contextFor = (req: FastifyRequest, reply: FastifyReply) =>
    createContext(deps, requestInfo(config, req, reply), resolveViewer);
  // Both adapters report errors here; only the server's own failures (5xx) are worth a log line.
  const onError = ({ error, path, req }: { error: TRPCError; path?: string | undefined; req: unknown }) => {
    if (serverSide(error)) (req as FastifyRequest).log.error({ err: error.cause ?? error, path }, 'procedure failed');
  };
  const responseMeta = ({ errors }: { errors: readonly TRPCError[] }) => ({
    headers: errorHeaders(errors),
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => contextFor(req, res),
      onError,
      responseMeta,
    } satisfies FastifyTRPCPluginOptions<typeof appRouter>['trpcOptions'],
  });

  await app.register(async (api) => {
    // Storefronts often POST without a body (logout, refresh); treat that as an empty JSON object.
    api.addHook('preHandler', async (req) => {
      if (req.body === undefined && req.method !== 'GET' && req.method !== 'DELETE' && !req.headers['content-type']) {
        req.headers['content-type'] = 'application/json';
        req.body = {};
      }
    });
    await api.register(fastifyTRPCOpenApiPlugin, {
      basePath: OPENAPI_BASE_PATH,
      router: appRouter,
      createContext: ({ req, res }: { req: unknown; res: unknown }) =>
        contextFor(req as FastifyRequest, res as FastifyReply),
      onError,
      responseMeta,
    } as never);
  });

  await app.register(async (webhooks) => {
    // Providers sign the exact bytes they sent, so these routes (and only these: the parsers
    // are scoped to this plugin) keep the body as a Buffer, whatever its content type.
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // /api/webhooks/stripe, /api/webhooks/paypal: a provider that is not configured is a 404.
    webhooks.post<{ Params: { provider: string } }>(`${OPENAPI_BASE_PATH}/webhooks/:provider`, async (req, reply) => {
      const provider = /^[a-z]{1,32}$/.test(req.params.provider) ? req.params.provider : '';
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const result = await receivePaymentWebhook(deps, { provider, rawBody, headers: req.headers });
        req.log[result.attention ? 'warn' : 'info']({ webhook: result }, `${provider} webhook ${result.outcome}`);
        return { received: true };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A bad signature is a 400 the provider shows in its dashboard; a provider failure
        // (refunding a payment for a cancelled order) is a 502 that the provider retries.
        const { status, body } = appErrorResponse(error);
        req.log[status >= 500 ? 'error' : 'warn']({ err: error }, `${provider || 'unknown'} webhook refused`);
        return reply.status(status).send(body);
      }
    });
  });

  const openApiDocument = createOpenApiDocument();
  app.get('/openapi.json', { logLevel: 'warn' }, async () => openApiDocument);
  await app.register(fastifySwagger, { mode: 'static', specification: { document: openApiDocument as never } });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/docs',
    baseDir: require.resolve('@fastify/swagger-ui/package.json').replace(/package\.json$/, 'static'),
  });

  app.get('/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/ready', { logLevel: 'warn' }, async (_req, reply) => {
    const check = async (fn: () => Promise<void>) => {
      try {
        await withTimeout(fn(), 2000);
        return 'ok' as const;
      } catch {
        return 'down' as const;
      }
    };
    const [database, cache] = await Promise.all([check(() => runtime.db.ping()), check(() => deps.cache.ping())]);
    const ready = database === 'ok';
    return reply.status(ready ? 200 : 503).send({
      status: ready ? (cache === 'ok' ? 'ok' : 'degraded') : 'unavailable',
      checks: { database, cache: cache === 'ok' ? 'ok' : 'degraded' },
    });
  });

  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

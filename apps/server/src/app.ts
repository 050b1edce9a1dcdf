import { createRequire } from 'node:module';
import {
  appErrorResponse,
  appRouter,
  createContext,
  createOpenApiDocument,
  databaseUnavailable,
  errorHeaders,
  INVOICE_PATH,
  invoiceDownload,
  OPENAPI_BASE_PATH,
  SESSION_COOKIE,
  successStatusOf,
  type RequestInfo,
} from '@commerce/api';
import { AppError, isDatabaseUnavailable, receivePaymentWebhook, resolveViewer } from '@commerce/core';
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
import { drainRequest, jsonDepth, MAX_JSON_DEPTH, registerTrpcDepthGuard, tooDeep } from './body-guards';
import { registerCatalogCache } from './catalog-cache';
import { errorBody } from './error-body';
import { requestIdFor } from './logging';
import { registerRequestLimit } from './request-limit';
import { registerSecurityHeaders } from './security-headers';
import { buildMetricsServer, registerMetrics } from './metrics';
import { registerMedia } from './media';
import { registerLiveStreams } from './live';
import { registerExports } from './exports';

const require = createRequire(import.meta.url);

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

/** A bug (500) or a failing outside service (502: the payment provider): worth an error log line. */
const serverSide = (error: { code: string }) => error.code === 'INTERNAL_SERVER_ERROR' || error.code === 'BAD_GATEWAY';

declare module 'fastify' {
  interface FastifyInstance {
    /** /metrics on METRICS_PORT, when configured: main.ts listens on it. */
    metricsServer?: FastifyInstance;
  }
}

export interface BuildOptions {
  config: Config;
  runtime: Runtime;
}

export async function buildServer({ config, runtime }: BuildOptions) {
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A hop count trusts the last N hops (Fastify's own reading of a number, which its types omit).
    trustProxy:
      typeof config.TRUST_PROXY === 'number'
        ? (_address: string, hop: number) => hop < (config.TRUST_PROXY as number)
        : config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: (req) => requestIdFor(req.headers['x-request-id']),
    routerOptions: { maxParamLength: 500 },
    // Errors raised before routing (a malformed URL) get the same JSON body as every other error.
    frameworkErrors: (error, _req, reply: FastifyReply) => {
      void reply.status(400).send(errorBody(_req.url, 400, error.message));
    },
  });
  const { deps } = runtime;

  // An empty JSON body means "no fields" (POST /auth/logout needs none); malformed JSON is a 400.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = (body as string).trim();
    if (text === '') return done(null, {});
    if (jsonDepth(text) > MAX_JSON_DEPTH) return done(tooDeep());
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

  app.setErrorHandler(async (error: FastifyError, req, reply) => {
    if (isDatabaseUnavailable(error)) {
      req.log.warn({ err: error }, 'database unavailable');
      return reply.status(503).send(errorBody(req.url, 503, 'The database is unavailable: try again shortly'));
    }
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) req.log.error({ err: error }, 'request failed');
    // The client may still be uploading the rest of an over-limit body: read it, so the 413
    // reaches it instead of a connection reset.
    if (status === 413 && !(await drainRequest(req))) reply.header('connection', 'close');
    const message =
      status >= 500 ? 'Internal server error' : status === 413 ? 'Request body too large' : error.message;
    return reply.status(status).send(errorBody(req.url, status, message));
  });

  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ message: `Route ${req.method} ${req.url.split('?')[0]} not found`, code: 'NOT_FOUND' });
  });

  await registerSecurityHeaders(app, config);
  await app.register(fastifyCookie);
  await app.register(fastifyCors, {
    origin: config.CORS_ORIGINS,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id', 'x-cache'],
  });
  const openApiDocument = createOpenApiDocument();
  registerMetrics(app, {
    metrics: runtime.metrics,
    token: config.METRICS_TOKEN,
    restPaths: Object.keys(openApiDocument.paths ?? {}),
    procedures: Object.keys(appRouter._def.procedures),
  });
  if (config.METRICS_PORT !== undefined) {
    const metricsServer = buildMetricsServer(runtime.metrics, config.METRICS_TOKEN);
    app.decorate('metricsServer', metricsServer);
    app.addHook('onClose', () => metricsServer.close());
  }
  registerRequestLimit(app, deps);
  registerLiveStreams(app, { deps, maxStreams: config.LIVE_MAX_STREAMS });
  registerTrpcDepthGuard(app);
  // After CORS, whose headers a cache hit must carry too.
  registerCatalogCache(app, { cache: deps.cache, ttlSeconds: config.CATALOG_CACHE_SECONDS, lookups: runtime.metrics.cacheLookups });

  // Resolving a session reads the database before any procedure runs: a database that is down
  // there is the same 503 as inside a procedure.
  const contextFor = (req: FastifyRequest, reply: FastifyReply) =>
    createContext(deps, requestInfo(config, req, reply), resolveViewer).catch((error: unknown) => {
      throw isDatabaseUnavailable(error) ? databaseUnavailable(error) : error;
    });
  // Both adapters report errors here; only the server's own failures (5xx) are worth a log line.
  const onError = ({ error, path, req }: { error: TRPCError; path?: string | undefined; req: unknown }) => {
    if (serverSide(error)) (req as FastifyRequest).log.error({ err: error.cause ?? error, path }, 'procedure failed');
  };
  const responseMeta = ({ errors }: { errors: readonly TRPCError[] }) => ({
    headers: errorHeaders(errors),
  });
  // REST answers a few successes with another status than 200 (202: accepted for later).
  const restResponseMeta = ({ errors, paths }: { errors: readonly TRPCError[]; paths?: readonly string[] }) => {
    const status = errors.length === 0 && paths?.[0] ? successStatusOf(paths[0]) : undefined;
    return { headers: errorHeaders(errors), ...(status && { status }) };
  };

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
      responseMeta: restResponseMeta,
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
        runtime.metrics.paymentEvents.inc({ outcome: result.outcome });
        req.log[result.attention ? 'warn' : 'info']({ webhook: result }, `${provider} webhook ${result.outcome}`);
        return { received: true };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        // A bad signature is a 400 the provider shows in its dashboard; a provider failure
        // (refunding a payment for a cancelled order) is a 502 that the provider retries.
        runtime.metrics.paymentEvents.inc({ outcome: 'refused' });
        const { status, body } = appErrorResponse(error);
        req.log[status >= 500 ? 'error' : 'warn']({ err: error }, `${provider || 'unknown'} webhook refused`);
        return reply.status(status).send(body);
      }
    });
  });

  await registerMedia(app, { config, contextFor });
  registerExports(app, { deps, contextFor });

  app.get<{ Params: { id: string } }>(INVOICE_PATH.replace('{id}', ':id'), async (req, reply) => {
    const answer = await invoiceDownload(await contextFor(req, reply), { id: req.params.id });
    if (answer.status >= 500) req.log.error({ err: answer.error?.cause ?? answer.error }, 'invoice failed');
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });

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

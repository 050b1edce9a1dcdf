import { timingSafeEqual } from 'node:crypto';
import type { CoreObserver } from '@commerce/core';
import type { PoolStats } from '@commerce/db';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The instruments every part of the server reports to, in one registry. */
export interface Metrics {
  registry: Registry;
  /** Catalog cache lookups by `result`: hit, miss, or error (the cache was unavailable). */
  cacheLookups: Counter<'result'>;
  /** Stripe webhook events by `outcome`: applied, unchanged, duplicate, ignored, refused. */
  paymentEvents: Counter<'outcome'>;
  /** Told by core when an order commits. */
  observer: CoreObserver;
}

export interface MetricsOptions {
  /** This process's database pool, read at each scrape (absent on PGlite). */
  poolStats?: (() => Promise<PoolStats>) | undefined;
}

export function createMetrics({ poolStats }: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const ordersCreated = new Counter({ name: 'orders_created_total', help: 'Orders committed (idempotent replays not counted)', registers });
  new Gauge({
    name: 'db_pool_connections',
    help: "This process's pooled Postgres connections by state (pg_stat_activity), and the pool size as state=max",
    labelNames: ['state'] as const,
    registers,
    async collect() {
      if (!poolStats) return;
      this.reset();
      try {
        const stats = await poolStats();
        this.set({ state: 'max' }, stats.max);
        for (const [state, count] of Object.entries(stats.connections)) this.set({ state }, count);
      } catch {
        // The database is down: /ready says so; a scrape still answers the other metrics.
      }
    },
  });
  return {
    registry,
    cacheLookups: new Counter({ name: 'catalog_cache_lookups_total', help: 'Catalog cache lookups', labelNames: ['result'] as const, registers }),
    paymentEvents: new Counter({ name: 'payment_events_total', help: 'Stripe webhook events by outcome', labelNames: ['outcome'] as const, registers }),
    observer: { orderCreated: () => ordersCreated.inc() },
  };
}

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** Bearer token /metrics requires on the main port; without one it is not served there. */
  token?: string | undefined;
  /** REST path templates under /api (`/products/{id}`) and tRPC procedure names, to label requests by. */
  restPaths: readonly string[];
  procedures: readonly string[];
}

const REST_PREFIX = '/api';
const TRPC_PREFIX = '/trpc/';

/**
 * The route a request is labelled with: the REST template or tRPC procedure it called (the
 * adapters each register one wildcard route), else Fastify's route pattern. Only known names
 * are labels, so no URL a client makes up can grow the number of series.
 */
// The OpenAPI adapter rewrites the URL without its prefix (originalUrl included): what was asked
// is kept as it arrived.
const requestedPath = new WeakMap<FastifyRequest, string>();

function routeLabeller(restPaths: readonly string[], procedures: readonly string[]) {
  const templates = restPaths.map((template) => ({
    template: REST_PREFIX + template,
    pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
  }));
  const known = new Set(procedures);
  return (req: FastifyRequest): string => {
    const path = requestedPath.get(req) ?? '';
    if (path.startsWith(TRPC_PREFIX)) {
      const name = path.slice(TRPC_PREFIX.length);
      if (name.includes(',')) return `${TRPC_PREFIX}(batch)`;
      return known.has(name) ? TRPC_PREFIX + name : `${TRPC_PREFIX}(unknown)`;
    }
    if (path.startsWith(`${REST_PREFIX}/`) && req.routeOptions.url?.endsWith('*')) {
      const rest = path.slice(REST_PREFIX.length);
      return templates.find((t) => t.pattern.test(rest))?.template ?? `${REST_PREFIX}/(unknown)`;
    }
    return req.routeOptions.url ?? '(unknown)';
  };
}

/** Request latency and rate-limit rejections, by route pattern, method and status. */
export function registerMetrics(app: FastifyInstance, { metrics, token, restPaths, procedures }: MetricsRouteOptions): void {
  const routeOf = routeLabeller(restPaths, procedures);
  app.addHook('onRequest', async (req) => {
    requestedPath.set(req, req.url.split('?')[0] ?? '');
  });
  const registers = [metrics.registry];
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const rejected = new Counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests answered 429 by a rate limit',
    labelNames: ['method', 'route'] as const,
    registers,
  });
  app.addHook('onResponse', async (req, reply) => {
    const labels = { method: req.method, route: routeOf(req) };
    duration.observe({ ...labels, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) rejected.inc(labels);
  });
  if (token) app.get('/metrics', { logLevel: 'warn' }, scrape(metrics, token));
}

/** /metrics alone on a port of its own (METRICS_PORT), for a scraper on a private network. */
export function buildMetricsServer(metrics: Metrics, token?: string): FastifyInstance {
  const app = Fastify();
  app.get('/metrics', scrape(metrics, token));
  return app;
}

function scrape(metrics: Metrics, token: string | undefined) {
  const expected = token === undefined ? null : Buffer.from(`Bearer ${token}`);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (expected && (given.length !== expected.length || !timingSafeEqual(given, expected))) {
      return reply.status(401).header('www-authenticate', 'Bearer').send({ message: 'Metrics need the bearer token', code: 'UNAUTHORIZED' });
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}

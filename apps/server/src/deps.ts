import {
  type CoreSettings,
  defaultSettings,
  type Deps,
  MemoryCache,
  OfflinePaymentProvider,
  type PaymentProvider,
  PayPalPaymentProvider,
  paymentDeps,
  RedisCache,
  StripePaymentProvider,
  createRedisClient,
  LocalMediaStorage,
  MemoryLiveBus,
  RedisLiveBus,
  systemClock,
  createMailer,
  dailyDigestScheduler,
  Dispatcher,
  notificationHandlers,
  type NotificationOptions,
} from '@commerce/core';
import { createDb, type DbHandle } from '@commerce/db';
import type { DestinationStream, Logger } from 'pino';
import type { Config } from './config';
import { createLogger } from './logging';
import { createMetrics, type Metrics } from './metrics';

export interface Runtime {
  deps: Deps;
  metrics: Metrics;
  logger: Logger;
  db: DbHandle;
  /** Delivers the outbox (emails, webhooks); main.ts starts it, tests drain it by hand. */
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

export function settingsFrom(config: Config): CoreSettings {
  return {
    currency: config.CURRENCY,
    sessionTtlDays: config.SESSION_TTL_DAYS,
    sessionCacheSeconds: config.SESSION_CACHE_SECONDS,
    lowStockThreshold: config.LOW_STOCK_THRESHOLD,
    paymentTimeoutMinutes: config.PAYMENT_TIMEOUT_MINUTES,
    pendingOrders: { maxOrders: config.PENDING_ORDERS_PER_CUSTOMER, maxUnits: config.PENDING_UNITS_PER_CUSTOMER },
    mediaBaseUrl: defaultSettings.mediaBaseUrl,
    rateLimits: {
      loginPerEmailIp: config.RATE_LIMIT_LOGIN_PER_EMAIL_IP,
      loginPerIp: config.RATE_LIMIT_LOGIN_PER_IP,
      registerPerIp: config.RATE_LIMIT_REGISTER_PER_IP,
      requestsPerIp: config.RATE_LIMIT_REQUESTS_PER_IP,
      requestsPerUser: config.RATE_LIMIT_REQUESTS_PER_USER,
      ordersPerUser: config.RATE_LIMIT_ORDERS_PER_USER,
      passwordChangesPerUser: config.RATE_LIMIT_PASSWORD_CHANGES_PER_USER,
      reviewWritesPerUser: config.RATE_LIMIT_REVIEWS_PER_USER,
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      passwordResetPerIp: config.RATE_LIMIT_PASSWORD_RESET_PER_IP,
      passwordResetPerEmail: config.RATE_LIMIT_PASSWORD_RESET_PER_EMAIL,
    },
    store: { name: config.STORE_NAME, address: config.STORE_ADDRESS },
    mediaMaxBytes: config.MEDIA_MAX_BYTES,
    mediaMaxPixels: config.MEDIA_MAX_PIXELS,
  };
}

/**
 * Every provider with credentials: Stripe (the default for /pay when configured) and PayPal.
 * With neither, the offline provider, with which no money moves through the store and staff
 * mark orders paid (README, "Payments").
 */
export function paymentsFrom(config: Config): PaymentProvider[] {
  const providers: PaymentProvider[] = [];
  if (config.STRIPE_SECRET_KEY) {
    providers.push(
      new StripePaymentProvider({
        secretKey: config.STRIPE_SECRET_KEY,
        webhookSecret: config.STRIPE_WEBHOOK_SECRET,
        apiBase: config.STRIPE_API_BASE,
        clock: systemClock,
      }),
    );
  }
  if (config.PAYPAL_CLIENT_ID && config.PAYPAL_CLIENT_SECRET) {
    providers.push(
      new PayPalPaymentProvider({
        clientId: config.PAYPAL_CLIENT_ID,
        clientSecret: config.PAYPAL_CLIENT_SECRET,
        webhookId: config.PAYPAL_WEBHOOK_ID,
        environment: config.PAYPAL_ENVIRONMENT,
        apiBase: config.PAYPAL_API_BASE,
      }),
    );
  }
  return providers.length > 0 ? providers : [new OfflinePaymentProvider()];
}

/** The one place where adapters are chosen: Postgres or PGlite, Redis or in-process, Stripe and PayPal or offline, media folder. */
export interface RuntimeOptions {
  /** Where logs go (stdout by default); tests capture them. */
  logDestination?: DestinationStream;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const db = await createDb({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: config.PGLITE_DIR,
    poolMax: config.DATABASE_POOL_MAX,
  });
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const redis = config.REDIS_URL
    ? createRedisClient({
        url: config.REDIS_URL,
        keyPrefix: config.REDIS_KEY_PREFIX || undefined,
        onError: (error) => logger.warn({ err: error.message }, 'redis unavailable'),
      })
    : undefined;
  // Shared counters (rate limits) fall back to per-process ones while Redis is not ready: wait
  // for the connection before serving, so start-up traffic is counted where every process sees it.
  if (redis) await connected(redis, 3000);
  const cache = redis ? new RedisCache(redis) : new MemoryCache();
  const metrics = createMetrics({ poolStats: db.poolStats });
  const deps: Deps = {
    db: db.db,
    cache,
    redis,
    clock: systemClock,
    settings: settingsFrom(config),
    ...paymentDeps(paymentsFrom(config)),
    observer: metrics.observer,
    media: await new LocalMediaStorage(config.MEDIA_DIR).init(),
    live: redis ? new RedisLiveBus(redis) : new MemoryLiveBus(),
  };
  const notifications: NotificationOptions = {
    mailer: createMailer({
      smtpUrl: config.SMTP_URL,
      mailDir: config.MAIL_DIR,
      from: config.MAIL_FROM,
      log: (line, fields) => logger.info(fields, line),
    }),
    storeName: config.STORE_NAME,
    passwordResetUrl: config.PASSWORD_RESET_URL ?? `http://localhost:${config.PORT}/reset-password`,
    webhooks: { allowPrivate: config.WEBHOOKS_ALLOW_PRIVATE },
    digestHourUtc: config.LOW_STOCK_DIGEST_HOUR,
  };
  const dispatcher = new Dispatcher(deps, {
    handlers: notificationHandlers(deps, notifications),
    beforeClaim: dailyDigestScheduler(deps, notifications),
    onError: (error, job) =>
      logger.warn({ err: error instanceof Error ? error.message : String(error), job: job && { id: job.id, type: job.type, attempts: job.attempts } }, 'outbox delivery failed'),
  });
  return {
    deps,
    metrics,
    logger,
    db,
    dispatcher,
    close: async () => {
      await dispatcher.stop();
      notifications.mailer.close();
      await deps.live.close();
      await cache.close();
      await db.close();
    },
  };
}

/** Resolves once the client is ready, or after `timeoutMs` (then the server starts degraded). */
function connected(redis: NonNullable<Deps['redis']>, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

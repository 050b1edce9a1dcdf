import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

/** A whole number written in decimal digits (z.coerce would take " " as 0 and 0x10 as 16). */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(p)), `must start with ${protocols.join(' or ')}`)
    .optional();

/** An IPv4/IPv6 address, optionally with a /prefix, or one of proxy-addr's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128));
}

/**
 * Which X-Forwarded-For entries to believe: none (`false`), the last N hops (a number: the
 * proxies in front of the server), or those added by the listed proxies. Trusting every hop
 * would let a client's own leftmost entry become its address, so `true` is refused.
 */
const trustProxy = z
  .string()
  .trim()
  .default('false')
  .transform((value, ctx): false | number | string[] => {
    if (value === 'false' || value === '0') return false;
    if (/^\d{1,2}$/.test(value)) return Number(value);
    const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
    const bad = entries.filter((e) => !isProxyAddress(e));
    if (value === 'true' || entries.length === 0 || bad.length > 0 || entries.length > 100) {
      ctx.addIssue({
        code: 'custom',
        message: `must be false, a hop count (1 behind one load balancer) or a comma-separated list of proxy addresses/CIDRs${value === 'true' ? ' (true would trust a client-supplied X-Forwarded-For)' : ''}${bad.length ? `; not an address: ${bad.slice(0, 3).join(', ')}` : ''}`,
      });
      return z.NEVER;
    }
    return entries;
  });

export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';
/** Passwords this project once shipped as defaults: known to everyone, so never accepted in production. */
export const PUBLISHED_PASSWORDS: readonly string[] = ['admin-password-change-me'];

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: wholeNumber(0, 65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DATABASE_URL: optionalUrl(['postgres://', 'postgresql://']),
    DATABASE_POOL_MAX: wholeNumber(1, 500).default(10),
    PGLITE_DIR: z.string().min(1).default('./.data/pglite'),
    REDIS_URL: optionalUrl(['redis://', 'rediss://']),
    REDIS_KEY_PREFIX: z.string().max(100).default(''),
    CORS_ORIGINS: z
      .string()
      .default('http://localhost:3001,http://127.0.0.1:3001')
      .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
      .pipe(z.array(z.string().url().refine((o) => o !== '*', 'no wildcard')).max(50)),
    CURRENCY: z
      .string()
      .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
      .default('USD'),
    BODY_LIMIT_BYTES: wholeNumber(1024, 100 * 1024 * 1024).default(1024 * 1024),
    TRUST_PROXY: trustProxy,
    SHUTDOWN_TIMEOUT_MS: wholeNumber(0, 600_000).default(10_000),
    ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
    ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
    SESSION_TTL_DAYS: wholeNumber(1, 365).default(30),
    SESSION_CACHE_SECONDS: wholeNumber(0, 300).default(30),
    CATALOG_CACHE_SECONDS: wholeNumber(0, 86_400).default(60),
    LOW_STOCK_THRESHOLD: wholeNumber(0, 1_000_000).default(5),
    RATE_LIMIT_LOGIN_PER_EMAIL_IP: wholeNumber(1, 1_000_000).default(10),
    RATE_LIMIT_LOGIN_PER_IP: wholeNumber(1, 1_000_000).default(100),
    RATE_LIMIT_REGISTER_PER_IP: wholeNumber(1, 1_000_000).default(50),
    RATE_LIMIT_WINDOW_SECONDS: wholeNumber(1, 86_400).default(60),
    RATE_LIMIT_REQUESTS_PER_IP: wholeNumber(0, 1_000_000).default(1200),
    RATE_LIMIT_REQUESTS_PER_USER: wholeNumber(0, 1_000_000).default(600),
    RATE_LIMIT_ORDERS_PER_USER: wholeNumber(0, 1_000_000).default(20),
    RATE_LIMIT_PASSWORD_CHANGES_PER_USER: wholeNumber(0, 1_000_000).default(5),
    RATE_LIMIT_REVIEWS_PER_USER: wholeNumber(0, 1_000_000).default(20),
    PENDING_ORDERS_PER_CUSTOMER: wholeNumber(0, 1_000_000).default(5),
    PENDING_UNITS_PER_CUSTOMER: wholeNumber(0, 100_000_000).default(2000),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    STRIPE_API_BASE: optionalUrl(['http://', 'https://']),
    PAYPAL_CLIENT_ID: z.string().trim().min(1).max(200).optional(),
    PAYPAL_CLIENT_SECRET: z.string().trim().min(1).max(200).optional(),
    PAYPAL_WEBHOOK_ID: z.string().trim().min(1).max(100).optional(),
    PAYPAL_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
    PAYPAL_API_BASE: optionalUrl(['http://', 'https://']),
    PAYMENT_TIMEOUT_MINUTES: wholeNumber(1, 10_080).default(30),
    PAYMENT_EXPIRY_SWEEP_SECONDS: wholeNumber(1, 3600).default(60),
    PAYMENTS_OFFLINE: bool.default(false),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(256).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
    METRICS_PORT: wholeNumber(0, 65535).optional(),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    MEDIA_DIR: z.string().min(1).default('./.data/media'),
    MEDIA_MAX_BYTES: wholeNumber(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
    MEDIA_MAX_PIXELS: wholeNumber(1, 268_402_689).default(40_000_000),
    SMTP_URL: optionalUrl(['smtp://', 'smtps://']),
    MAIL_FROM: z.string().trim().min(3).max(200).default('Commerce <no-reply@localhost>'),
    MAIL_DIR: z.string().min(1).default('./.data/mail'),
    STORE_NAME: z.string().trim().min(1).max(100).default('Commerce'),
    STORE_ADDRESS: z.string().trim().max(500).default(''),
    PASSWORD_RESET_URL: optionalUrl(['http://', 'https://']),
    RATE_LIMIT_PASSWORD_RESET_PER_IP: wholeNumber(1, 1_000_000).default(20),
    RATE_LIMIT_PASSWORD_RESET_PER_EMAIL: wholeNumber(1, 1_000_000).default(5),
    OUTBOX_POLL_MS: wholeNumber(50, 60_000).default(1000),
    LOW_STOCK_DIGEST_HOUR: wholeNumber(0, 23).default(8),
    WEBHOOKS_ALLOW_PRIVATE: bool.default(false),
    LIVE_MAX_STREAMS: wholeNumber(1, 1_000_000).default(1000),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.PAYPAL_CLIENT_ID) !== Boolean(env.PAYPAL_CLIENT_SECRET)) {
      const missing = env.PAYPAL_CLIENT_ID ? 'PAYPAL_CLIENT_SECRET' : 'PAYPAL_CLIENT_ID';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'PayPal needs both PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET' });
    }
    if (env.NODE_ENV !== 'production') return;
    if (env.PAYPAL_CLIENT_ID && !env.PAYPAL_WEBHOOK_ID) {
      ctx.addIssue({ code: 'custom', path: ['PAYPAL_WEBHOOK_ID'], message: 'is required with PAYPAL_CLIENT_ID in production' });
    }
    if (!env.ADMIN_PASSWORD || PUBLISHED_PASSWORDS.includes(env.ADMIN_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PASSWORD'],
        message: 'must be set to a password of your own in production',
      });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['STRIPE_WEBHOOK_SECRET'], message: 'is required with STRIPE_SECRET_KEY' });
    }
    if (!env.STRIPE_SECRET_KEY && !env.PAYPAL_CLIENT_ID && !env.PAYMENTS_OFFLINE) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message:
          'is required in production (or PAYPAL_CLIENT_ID); or set PAYMENTS_OFFLINE=true to take payments outside the store (staff mark orders paid)',
      });
    }
  });

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates configuration once; a bad value names the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export interface AdminCredentials {
  email: string;
  password: string;
  /** No ADMIN_PASSWORD (outside production): a fresh random one, which only a new account gets. */
  generated: boolean;
}

/** The admin login to ensure at start-up: the configured one, or a random password of its own. */
export function adminCredentials(config: Config): AdminCredentials {
  const email = config.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL;
  if (config.ADMIN_PASSWORD) return { email, password: config.ADMIN_PASSWORD, generated: false };
  return { email, password: randomBytes(18).toString('base64url'), generated: true };
}

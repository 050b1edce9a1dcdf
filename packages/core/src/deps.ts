import type { Database } from '@commerce/db';
import type { Redis } from 'ioredis';
import type { Cache } from './cache';
import type { Clock } from './clock';
import type { LiveBus } from './live/events';
import type { MediaStorage } from './media/storage';
import type { OrderPayments } from './orders/payments-port';
import type { PaymentProviders } from './payments/registry';

/** Settings the business rules read; the server fills them from its validated configuration. */
export interface CoreSettings {
  /** ISO 4217 code for every price and order. */
  currency: string;
  sessionTtlDays: number;
  /** How long a validated session may be served from the cache. 0 turns the cache off. */
  sessionCacheSeconds: number;
  lowStockThreshold: number;
  /** A pending order older than this is cancelled by the expiry sweep and its stock returned. */
  paymentTimeoutMinutes: number;
  /**
   * What one customer may hold in unpaid (pending) orders at once, so nobody can hold a
   * product's whole stock hostage; 0 = no limit. Staff placing orders are not held to them.
   */
  pendingOrders: { maxOrders: number; maxUnits: number };
  /** Where uploaded media is served from: '/media' on this server, or a CDN's address. */
  mediaBaseUrl: string;
  rateLimits: {
    loginPerEmailIp: number;
    loginPerIp: number;
    registerPerIp: number;
    /** Requests per client address per `windowSeconds`, on every route (0 = no limit). */
    requestsPerIp: number;
    /** Procedure calls per signed-in user per `windowSeconds` (0 = no limit). */
    requestsPerUser: number;
    /** Orders placed (POST /orders, checkout) per user per `windowSeconds` (0 = no limit). */
    ordersPerUser: number;
    /** Password changes and account closings per user per 15 minutes (0 = no limit). */
    passwordChangesPerUser: number;
    /** Review writes (create, edit, delete) per user per hour (0 = no limit). */
    reviewWritesPerUser: number;
    windowSeconds: number;
    /** Password reset requests per client address per hour. */
    passwordResetPerIp: number;
    /** Password reset requests per email per hour, whether or not an account has it. */
    passwordResetPerEmail: number;
  };
  /** Heads emails and invoices. */
  store: { name: string; address: string };
  /** Largest image upload accepted, in bytes (413 beyond). */
  mediaMaxBytes: number;
  /** Largest image accepted, in pixels (width × height): decoding more could exhaust memory. */
  mediaMaxPixels: number;
}

/** Everything core functions need, chosen once at start-up and handed down. */
export interface Deps {
  db: Database;
  cache: Cache;
  /** Present when REDIS_URL is set: shared state such as rate limits lives there. */
  redis?: Redis | undefined;
  clock: Clock;
  settings: CoreSettings;
  /** The configured providers (Stripe, PayPal), or the OfflinePaymentProvider alone. */
  payments: PaymentProviders;
  /** How orders reach payments (refunds, cancelling open payments) without importing them. */
  orderPayments: OrderPayments;
  /** Live updates for the admin and storefronts: RedisLiveBus with REDIS_URL, MemoryLiveBus otherwise. */
  live: LiveBus;
  /** Where uploaded images are kept: LocalMediaStorage (MEDIA_DIR). */
  media: MediaStorage;
  /** Told of business events after they commit (the server counts them as metrics). */
  observer?: CoreObserver | undefined;
}

export interface CoreObserver {
  /** A new order was committed (not an idempotent replay of one). */
  orderCreated(): void;
}

export const defaultSettings: CoreSettings = {
  currency: 'USD',
  sessionTtlDays: 30,
  sessionCacheSeconds: 30,
  lowStockThreshold: 5,
  paymentTimeoutMinutes: 30,
  pendingOrders: { maxOrders: 5, maxUnits: 2000 },
  mediaBaseUrl: '/media',
  rateLimits: {
    loginPerEmailIp: 10,
    loginPerIp: 100,
    registerPerIp: 50,
    requestsPerIp: 1200,
    requestsPerUser: 600,
    ordersPerUser: 20,
    passwordChangesPerUser: 5,
    reviewWritesPerUser: 20,
    windowSeconds: 60,
    passwordResetPerIp: 20,
    passwordResetPerEmail: 5,
  },
  store: { name: 'Commerce', address: '' },
  mediaMaxBytes: 10 * 1024 * 1024,
  mediaMaxPixels: 40_000_000,
};

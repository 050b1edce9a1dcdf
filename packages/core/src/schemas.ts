// The zod schemas alone, for browser code (the admin's forms validate with the routers' own
// schemas): nothing here reaches a database, a cache or a payment provider.
export * from './pagination';
export * from './catalog/schemas';
export * from './addresses/schemas';
export * from './orders/schemas';
export * from './auth/schemas';
export * from './account/schemas';
export * from './wishlist/schemas';
export * from './reviews/schemas';
export * from './reports/schemas';
export * from './pricing/schemas';
export * from './notifications/schemas';
export * from './audit/schemas';

export type { Cache } from './cache';
export { MemoryCache } from './memory';
export { RedisCache, createRedisClient } from './redis';

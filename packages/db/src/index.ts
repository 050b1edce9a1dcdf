export * from './schema';
export * from './client';
export { seedCatalog, seedSyntheticProducts, slugify } from './seed';
export { seedDemoOrders, seedSyntheticOrders } from './seed-demo';

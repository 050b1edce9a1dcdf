export * from './schema';
export * from './client';
export { seedCatalog, seedSyntheticProducts } from './seed';

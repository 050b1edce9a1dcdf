// The sample store: the catalog a fresh start shows (categories, products, variants), demo
// customers and orders, and the large synthetic catalog for measuring. Slugs follow the
// catalog's own rule.
export { seedCatalog, seedSyntheticProducts } from './catalog';
export { seedDemoOrders, seedSyntheticOrders } from './demo';

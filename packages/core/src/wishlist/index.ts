export * from './schemas';
export * from './wishlist';

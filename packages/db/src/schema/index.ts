export * from './users';
export * from './catalog';
export * from './carts';
export * from './orders';
export * from './payments';
export * from './pricing';
export * from './accounts';
export * from './notifications';

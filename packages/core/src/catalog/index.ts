export * from './schemas';
export * from './products';
export * from './version';

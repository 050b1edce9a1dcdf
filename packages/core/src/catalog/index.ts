export * from './schemas';
export * from './products';

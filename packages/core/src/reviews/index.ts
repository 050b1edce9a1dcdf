export * from './schemas';
export * from './reviews';

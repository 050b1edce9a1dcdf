export * from './schemas';
export * from './addresses';

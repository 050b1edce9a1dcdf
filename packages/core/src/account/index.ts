export * from './schemas';
export * from './profile';

export * from './sessions';
export * from './admin';

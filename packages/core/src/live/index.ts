export * from './events';
export * from './memory-bus';
export * from './redis-bus';
export * from './publish';

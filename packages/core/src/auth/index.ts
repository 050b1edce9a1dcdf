export * from './schemas';
export * from './passwords';
export * from './sessions';
export * from './accounts';
export * from './users';
export * from './admin';
export * from './staff-login';

export * from './schemas';
export * from './passwords';
export * from './sessions';
export * from './accounts';
export * from './users';
export * from './admin';
export { takeRequest, type RequestLimit } from './rate-limit';
export * from './staff-login';
export * from './password-reset';

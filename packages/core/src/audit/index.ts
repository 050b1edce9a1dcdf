export { actorFor, systemActor, type Actor, type UserActor } from './actor';
export { changedFields, recordChange, REDACTED, type Change } from './record';
export { auditQuery, listAudit } from './list';
export * from './schemas';

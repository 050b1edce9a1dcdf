// Orders' actor is the audit trail's: one type says who changed anything.
export { actorFor, systemActor, type Actor as OrderActor, type UserActor } from '../audit/actor';

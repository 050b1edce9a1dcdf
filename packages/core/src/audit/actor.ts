import { AppError } from '../errors';
import { isStaff, type Viewer } from '../viewer';
import type { ActorKind } from './schemas';

/** Who makes a change, as written to an order's timeline and to the audit trail. */
export interface Actor {
  kind: ActorKind;
  /** Null for the system (a payment webhook, the expiry sweep, the seed). */
  userId: number | null;
  /** The client's address as the server saw it (TRUST_PROXY decides whose); null for the system. */
  ip: string | null;
}

/** A signed-in person: customers, staff, admins. */
export type UserActor = Actor & { userId: number };

/** Payment webhooks and other server-side processes. */
export const systemActor: Actor = { kind: 'system', userId: null, ip: null };

export function actorFor(viewer: Viewer): UserActor {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return { kind: isStaff(viewer) ? 'staff' : 'customer', userId: viewer.userId, ip: viewer.ip ?? null };
}

import { AppError } from '../errors';
import { isStaff, type Viewer } from '../viewer';
import type { ActorKind } from './schemas';

/** Who changes an order, as written to its timeline. */
export interface OrderActor {
  kind: ActorKind;
  /** Null for the system (a payment webhook). */
  userId: number | null;
}

/** A signed-in person: customers, staff, admins. */
export type UserActor = OrderActor & { userId: number };

/** Payment webhooks and other server-side processes. */
export const systemActor: OrderActor = { kind: 'system', userId: null };

export function actorFor(viewer: Viewer): UserActor {
  if (!viewer) throw new AppError('UNAUTHORIZED', 'Sign in first');
  return { kind: isStaff(viewer) ? 'staff' : 'customer', userId: viewer.userId };
}

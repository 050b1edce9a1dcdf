import type { UserRole } from '@commerce/db';
import { AppError } from './errors';

/** Who is asking: null for an anonymous caller. */
export type Viewer = {
  userId: number;
  role: UserRole;
  /** The client's address, from the request (the audit trail records it). */
  ip?: string | undefined;
  /** The user as their session was resolved: GET /auth/me answers from it without a query. */
  profile?: ViewerProfile | undefined;
} | null;

export interface ViewerProfile {
  email: string;
  name: string | null;
  /** ISO 8601. */
  createdAt: string;
}

/** The signed-in caller's user id; an anonymous caller is refused (401). */
export function signedInUserId(viewer: Viewer, message = 'Sign in first'): number {
  if (!viewer) throw new AppError('UNAUTHORIZED', message);
  return viewer.userId;
}

export const isStaff = (viewer: Viewer): boolean => viewer?.role === 'staff' || viewer?.role === 'admin';

export function requireAdmin(viewer: Viewer): void {
  if (viewer?.role !== 'admin') throw new AppError('FORBIDDEN', 'Admin role required');
}

import type { UserRole } from '@commerce/db';
import { AppError } from './errors';

/** Who is asking: null for an anonymous caller. */
export type Viewer = { userId: number; role: UserRole } | null;

export const isStaff = (viewer: Viewer): boolean => viewer?.role === 'staff' || viewer?.role === 'admin';

export function requireAdmin(viewer: Viewer): void {
  if (viewer?.role !== 'admin') throw new AppError('FORBIDDEN', 'Admin role required');
}

import type { UserRole } from '@commerce/db';

/** Who is asking: null for an anonymous caller. */
export type Viewer = { userId: number; role: UserRole } | null;

export const isStaff = (viewer: Viewer): boolean => viewer?.role === 'staff' || viewer?.role === 'admin';

'use client';

import { createContext, useContext } from 'react';
import type { Me } from './shell';

export const MeContext = createContext<Me | null>(null);

/** The signed-in staff member or admin (pages inside the shell only). */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside the signed-in shell');
  return me;
}

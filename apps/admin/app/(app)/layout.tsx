'use client';

import type { ReactNode } from 'react';
import { MeContext } from '@/components/me';
import { AppShell } from '@/components/shell';

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return <AppShell>{(me) => <MeContext.Provider value={me}>{children}</MeContext.Provider>}</AppShell>;
}

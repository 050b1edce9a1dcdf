import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { sessions, users, type Database, type UserRole } from '@commerce/db';
import { Lucia, TimeSpan } from 'lucia';

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof buildLucia>;
    UserId: number;
    DatabaseUserAttributes: { email: string; name: string | null; role: UserRole; createdAt: Date };
  }
}

function buildLucia(db: Database, ttlDays: number) {
  // lucia types its adapter against a concrete Drizzle driver; ours is the driver-neutral PgDatabase.
  const adapter = new DrizzlePostgreSQLAdapter(db as never, sessions, users);
  return new Lucia(adapter, {
    // lucia extends a session's expiry once half of it has passed (the `fresh` flag).
    sessionExpiresIn: new TimeSpan(ttlDays, 'd'),
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      role: attributes.role,
      createdAt: attributes.createdAt,
    }),
  });
}

const instances = new WeakMap<Database, Map<number, ReturnType<typeof buildLucia>>>();

/** One lucia instance per database handle and session lifetime. */
export function luciaFor(db: Database, ttlDays: number) {
  let byTtl = instances.get(db);
  if (!byTtl) instances.set(db, (byTtl = new Map()));
  let lucia = byTtl.get(ttlDays);
  if (!lucia) byTtl.set(ttlDays, (lucia = buildLucia(db, ttlDays)));
  return lucia;
}

// Inside the workspace the router's types come from @commerce/api itself. The build replaces
// this file with dist/router.d.ts, the same types printed in full (scripts/build.ts), so that a
// consumer's compiler never sees the server's sources, Drizzle or Postgres.
export type { AppRouter, RouterInputs, RouterOutputs } from '@commerce/api';

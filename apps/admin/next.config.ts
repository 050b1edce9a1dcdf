import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The browser bundle needs only the zod schemas of @commerce/core (forms validate with the
// routers' own schemas). Those import enums from @commerce/db, whose entry point also holds the
// database drivers: the admin never talks to a database, so it sees the schema files only.
const dbSchemaOnly = fileURLToPath(new URL('../../packages/db/src/schema/index.ts', import.meta.url));

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  transpilePackages: ['@commerce/core', '@commerce/db'],
  // Lint runs once for the whole repo (`pnpm lint` at the root).
  eslint: { ignoreDuringBuilds: true },
  webpack(webpackConfig: { resolve: { alias: Record<string, string> } }) {
    webpackConfig.resolve.alias['@commerce/db$'] = dbSchemaOnly;
    return webpackConfig;
  },
};

export default config;

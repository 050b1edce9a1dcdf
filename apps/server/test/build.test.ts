import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// `pnpm start` and the Docker image run the bundle: a package the code imports but apps/server
// does not list would pass every other test here (they run the TypeScript) and fail in production.
it('builds the production bundle, with every imported package a dependency of the server', () => {
  const result = spawnSync(process.execPath, ['build.mjs'], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
}, 120_000);

// The production build: src/main.ts and src/cli.ts, with the workspace packages they import
// (@commerce/*, TypeScript sources), bundled into dist/ as plain JavaScript that `node` runs
// with no transpiler. Every other package stays an import resolved from node_modules at run
// time; the migrations are copied beside the bundle.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
rmSync(here('./dist'), { recursive: true, force: true });

await build({
  entryPoints: [here('./src/main.ts'), here('./src/cli.ts')],
  outdir: here('./dist'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'node-modules-external',
      setup(b) {
        // Bare imports other than the workspace's own packages come from node_modules.
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@commerce/') ? undefined : { external: true }));
      },
    },
  ],
});
cpSync(here('../../packages/db/migrations'), here('./dist/migrations'), { recursive: true });

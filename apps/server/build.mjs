// The production build: src/main.ts and src/cli.ts, with the workspace packages they import
// (@commerce/*, TypeScript sources), bundled into dist/ as plain JavaScript that `node` runs
// with no transpiler. Every other package stays an import resolved from node_modules at run
// time; the migrations are copied beside the bundle.
import { cpSync, existsSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath, URL } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
rmSync(here('./dist'), { recursive: true, force: true });
const missing = new Set();

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
        // Bare imports other than the workspace's own packages come from node_modules, as seen
        // from this app: a package that a workspace package uses must be a dependency here too.
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('@commerce/')) return undefined;
          const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
          if (!isBuiltin(name) && !existsSync(here(`./node_modules/${name}`))) missing.add(name);
          return { external: true };
        });
      },
    },
  ],
});
if (missing.size > 0) {
  rmSync(here('./dist'), { recursive: true, force: true });
  throw new Error(`add to apps/server's dependencies (the bundle imports them): ${[...missing].join(', ')}`);
}
cpSync(here('../../packages/db/migrations'), here('./dist/migrations'), { recursive: true });

import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsumerProject,
  errorLines,
  errorsIn,
  markedLines,
  pnpm,
  readmeExample,
  type CompileResult,
} from './consumer-project';
import { startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

/**
 * @commerce/client as an outside TypeScript project gets it: built, packed with `pnpm pack`,
 * installed from the tarball into a project outside the workspace next to nothing but
 * @trpc/client, compiled there under `strict` with `skipLibCheck: false`, and run against a
 * live server.
 */

const clientDir = fileURLToPath(new URL('../../../packages/client', import.meta.url));
const run = promisify(execFile);

let project: ConsumerProject;
let packDir: string;
let tarball: string;
let server: TestServer;
let url: string;
let compiled: CompileResult;

beforeAll(async () => {
  await run(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: clientDir });
  packDir = mkdtempSync(join(tmpdir(), 'commerce-client-pack-'));
  await pnpm(clientDir, ['pack', '--pack-destination', packDir]);
  tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);
  // The workspace holds tRPC at 11.22 for @trpc/tanstack-react-query; an outside consumer takes
  // a current 11.x within the client's peer range, whose declarations (unlike 11.22's, which name
  // Node's http and ws types) compile with skipLibCheck: false and nothing but @trpc/client.
  project = await ConsumerProject.create([tarball, '@trpc/client@11.25.2']);
  project.addFixture('storefront-trpc.ts');
  project.addFixture('mistakes-trpc.ts');
  project.writeFile('src/readme-trpc.ts', readmeExample('@commerce/client'));
  compiled = await project.compile();
  server = await startTestServer();
  url = await server.app.listen({ host: '127.0.0.1', port: 0 });
}, 240_000);
afterAll(async () => {
  project?.remove();
  if (packDir) rmSync(packDir, { recursive: true, force: true });
  await server?.close();
});

describe('the packed package', () => {
  it('holds built JavaScript and declarations only, and needs only @trpc/client', async () => {
    const listing = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean).sort();
    expect(listing).toEqual([
      'package/README.md',
      'package/dist/index.d.ts',
      'package/dist/index.js',
      'package/dist/router.d.ts',
      'package/package.json',
    ]);
    const manifest = JSON.parse(project.readFile('node_modules/@commerce/client/package.json'));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['@trpc/client', '@trpc/server']);
  });

  it('declares the router without a trace of the server: only tRPC’s own types are imported', () => {
    const declarations = ['index.d.ts', 'router.d.ts'].map((f) => project.readFile(`node_modules/@commerce/client/dist/${f}`)).join('\n');
    const imported = [...declarations.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    expect(new Set(imported)).toEqual(new Set(['@trpc/client', '@trpc/server', './router.js']));
    expect(declarations).not.toMatch(/@commerce\/(api|core|db)|drizzle|postgres|zod|import\(/);
  });

  it('installs nothing of the server: no Drizzle, Postgres, zod or workspace package', () => {
    const installed = readdirSync(join(project.dir, 'node_modules', '.pnpm')).join('\n');
    expect(installed).toMatch(/@trpc\+client@/);
    expect(installed).not.toMatch(/drizzle|postgres|zod|@commerce\+(api|core|db)|fastify/);
  });
});

describe('an outside project on the packed package', () => {
  it('compiles a storefront under strict with skipLibCheck: false, and the storefront works against a live server', async () => {
    expect(errorsIn(compiled, 'storefront-trpc.ts')).toEqual([]);

    const productId = await createProduct(server.runtime.deps.db, { priceCents: 1250, stock: 5 });

    const email = `packed-${process.pid}@example.test`;
    const result = await project.runStorefront('storefront-trpc.js', { url, email });
    expect(result).toMatchObject({
      customer: email,
      cartLines: 1,
      batched: 1,
      productId,
      status: 'pending',
      totalCents: 2 * 1250,
      provider: 'offline',
      hasClientSecret: true,
      conflict: { status: 409, reason: 'out_of_stock', productId },
    });
  });

  it('compiles the README’s example as written there', async () => {
    expect(errorsIn(compiled, 'readme-trpc.ts')).toEqual([]);
  });

  it('rejects each deliberate type error, on its line, and nothing else', async () => {
    expect(compiled.ok).toBe(false);
    const expected = markedLines('mistakes-trpc.ts');
    expect(expected).toHaveLength(7);
    expect(errorLines(compiled.errors, 'mistakes-trpc.ts'), compiled.errors.join('\n')).toEqual(expected);
    expect(compiled.errors.filter((e) => !e.startsWith('src/mistakes-trpc.ts'))).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConsumerProject,
  errorLines,
  errorsIn,
  markedLines,
  readmeExample,
  workspaceVersion,
  type CompileResult,
} from './consumer-project';
import { startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

/**
 * What a third-party storefront does with /openapi.json: lint it with Redocly's recommended
 * rules, generate types from the live document with openapi-typescript, and write the
 * storefront with openapi-fetch in a project outside the workspace, compiled under `strict`.
 */

const run = promisify(execFile);

let server: TestServer;
let url: string;
let project: ConsumerProject;
let compiled: CompileResult;

beforeAll(async () => {
  server = await startTestServer();
  url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  project = await ConsumerProject.create([
    `openapi-fetch@${workspaceVersion('openapi-fetch')}`,
    `openapi-typescript@${workspaceVersion('openapi-typescript')}`,
  ]);
  // The generator's own command line, on the live document, as a storefront's build runs it.
  await run(process.execPath, [join(project.dir, 'node_modules/openapi-typescript/bin/cli.js'), `${url}/openapi.json`, '-o', 'src/api.d.ts'], {
    cwd: project.dir,
  });
  project.addFixture('storefront-rest.ts');
  project.addFixture('mistakes-rest.ts');
  project.writeFile('src/readme-rest.ts', readmeExample('openapi-fetch'));
  compiled = await project.compile();
}, 240_000);
afterAll(async () => {
  project?.remove();
  await server?.close();
});

describe('Redocly', () => {
  it('finds no error and no warning in the live document under its recommended rules', async () => {
    const redocly = join(import.meta.dirname, '../node_modules/@redocly/cli/bin/cli.js');
    const linted = await run(process.execPath, [redocly, 'lint', `${url}/openapi.json`, '--extends=recommended', '--format=json'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout: string }) => error);
    const report = JSON.parse(linted.stdout) as { totals: object; problems: { ruleId: string; message: string }[] };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});

describe('a storefront on openapi-typescript and openapi-fetch', () => {
  it('compiles under strict with skipLibCheck: false, and registers, lists, adds to cart, checks out, pays, reads its order and handles a 409', async () => {
    expect(errorsIn(compiled, 'storefront-rest.ts')).toEqual([]);
    expect(errorsIn(compiled, 'api.d.ts')).toEqual([]);

    const productId = await createProduct(server.runtime.deps.db, { priceCents: 990, stock: 5 });

    const email = `rest-${process.pid}@example.test`;
    expect(await project.runStorefront('storefront-rest.js', { url, email })).toEqual({
      customer: email,
      productId,
      orderId: expect.any(Number),
      status: 'pending',
      totalCents: 2 * 990,
      provider: 'offline',
      hasClientSecret: true,
      conflict: { status: 409, reason: 'out_of_stock', productId },
    });
  });

  it('compiles the README’s example as written there', async () => {
    expect(errorsIn(compiled, 'readme-rest.ts')).toEqual([]);
  });

  it('types parameters and bodies tightly: each deliberate mistake fails on its line, and nothing else', async () => {
    expect(compiled.ok).toBe(false);
    const expected = markedLines('mistakes-rest.ts');
    expect(expected).toHaveLength(7);
    expect(errorLines(compiled.errors, 'mistakes-rest.ts'), compiled.errors.join('\n')).toEqual(expected);
    expect(compiled.errors.every((e) => e.startsWith('src/mistakes-rest.ts'))).toBe(true);
  });
});

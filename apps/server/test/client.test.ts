import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppRouter } from '@commerce/api';
import { createCommerceClient } from '@commerce/api/client';
import { seedCatalog } from '@commerce/db';
import { TRPCClientError } from '@trpc/client';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers';

const fixture = (name: string) => fileURLToPath(new URL(`./type-fixtures/${name}`, import.meta.url));

function compile(file: string) {
  const configPath = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, fileURLToPath(new URL('..', import.meta.url)));
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
}

describe('typed client (compile time)', () => {
  it('accepts a correct consumer', () => {
    const diagnostics = compile(fixture('consumer-ok.ts'));
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('rejects each deliberate type error, on its line', () => {
    const file = fixture('consumer-bad.ts');
    const expected = readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.includes('// expect-error') ? [index] : []));
    const diagnostics = compile(file);
    const lines = new Set(diagnostics.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line));
    expect(expected).toHaveLength(4);
    expect([...lines].sort((a, b) => a - b)).toEqual(expected);
  });
});

describe('typed client (run time)', () => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    server = await startTestServer();
    await seedCatalog(server.runtime.deps.db);
    url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => server.close());

  it('calls the routers over HTTP with types intact', async () => {
    const client = createCommerceClient({ url: `${url}/trpc` });
    const page = await client.products.list.query({ limit: 3, sort: 'price_desc' });
    expect(page.items).toHaveLength(3);
    expect(page.items[0]!.priceCents).toBeGreaterThanOrEqual(page.items[2]!.priceCents);
    const product = await client.products.byId.query({ id: page.items[0]!.id });
    expect(product.name).toBe(page.items[0]!.name);
  });

  it('surfaces errors with their code', async () => {
    const client = createCommerceClient({ url: `${url}/trpc` });
    const error = await client.products.byId.query({ id: 987654 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('NOT_FOUND');
  });
});

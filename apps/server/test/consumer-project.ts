import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A TypeScript project outside the workspace, as a third party would set one up: its own
 * package.json, dependencies from the npm registry (or a tarball), `strict` and
 * `skipLibCheck: false`. Tests install into it, compile fixtures with its own `tsc`, and run
 * the result with node.
 */

const run = promisify(execFile);
const require = createRequire(import.meta.url);

export const fixturePath = (name: string) => fileURLToPath(new URL(`./type-fixtures/${name}`, import.meta.url));

/** The workspace's own version of a package, so the outside project installs what we test with. */
export function workspaceVersion(name: string): string {
  const manifest = require.resolve(`${name}/package.json`, {
    paths: [fileURLToPath(new URL('../../../packages/client', import.meta.url)), fileURLToPath(new URL('..', import.meta.url))],
  });
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** pnpm: the one running the tests when they run under it, else as the README runs it. */
export async function pnpm(cwd: string, args: string[]): Promise<string> {
  const own = process.env.npm_execpath;
  const [command, ...prefix] = !own || !/pnpm/.test(basename(own))
    ? ['npx', '-y', 'pnpm@12.21.0']
    : /\.[cm]?js$/.test(own)
      ? [process.execPath, own]
      : [own];
  const { stdout } = await run(command!, [...prefix, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export interface CompileResult {
  ok: boolean;
  /** `file(line,col): error TSnnnn: text` lines, as tsc prints them. */
  errors: string[];
}

export class ConsumerProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'commerce-consumer-'));

  private constructor() {}

  /** A project with these dependencies, plus the workspace's TypeScript to compile with. */
  static async create(dependencies: string[]): Promise<ConsumerProject> {
    const project = new ConsumerProject();
    mkdirSync(join(project.dir, 'src'));
    writeFileSync(join(project.dir, 'package.json'), JSON.stringify({ name: 'outside-consumer', private: true, type: 'module' }));
    // The strictest settings a library's users commonly have. ESNext.Disposable: @trpc/server's
    // own declarations name Disposable and AsyncDisposable.
    writeFileSync(
      join(project.dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          target: 'ES2022',
          lib: ['ES2023', 'DOM', 'ESNext.Disposable'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: [],
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
      }),
    );
    // Offline first: the workspace's install has put every package in pnpm's store already.
    const add = ['add', ...dependencies, `typescript@${workspaceVersion('typescript')}`];
    await pnpm(project.dir, [...add, '--offline']).catch(() => pnpm(project.dir, [...add, '--prefer-offline']));
    return project;
  }

  /** Copies a fixture into src/ (under another name if given). */
  addFixture(fixture: string, as = basename(fixture)): void {
    copyFileSync(fixturePath(fixture), join(this.dir, 'src', as));
  }

  writeFile(path: string, text: string): void {
    writeFileSync(join(this.dir, path), text);
  }

  readFile(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  /**
   * The project's own tsc over src/, emitting to dist/ (tsc emits despite type errors, so one
   * run serves fixtures that must compile and fixtures that must not).
   */
  async compile(): Promise<CompileResult> {
    const tsc = join(this.dir, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: this.dir });
      return { ok: true, errors: [] };
    } catch (error) {
      const stdout = String((error as { stdout?: string }).stdout ?? '');
      return { ok: false, errors: stdout.split('\n').filter((line) => line.includes('error TS')) };
    }
  }

  /** Runs `storefront(input)` from a compiled module of dist/ in a fresh node process. */
  async runStorefront(module: string, input: unknown): Promise<unknown> {
    this.writeFile(
      'run.mjs',
      `import { storefront } from './dist/${module}';\n` +
        'console.log(JSON.stringify(await storefront(JSON.parse(process.argv[2]))));\n',
    );
    const { stdout } = await run(process.execPath, ['run.mjs', JSON.stringify(input)], { cwd: this.dir });
    return JSON.parse(stdout.trim().split('\n').at(-1)!);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The 0-based lines of a fixture marked `// expect-error`. */
export function markedLines(fixture: string): number[] {
  return readFileSync(fixturePath(fixture), 'utf8')
    .split('\n')
    .flatMap((line, index) => (line.includes('// expect-error') ? [index] : []));
}

/** The errors tsc reports in src/`file`. */
export function errorsIn(result: CompileResult, file: string): string[] {
  return result.errors.filter((error) => error.startsWith(`src/${file}(`));
}

/** The 0-based lines of `file` that tsc errors name. */
export function errorLines(errors: string[], file: string): number[] {
  const lines = errors.flatMap((error) => {
    const match = new RegExp(`${file.replace('.', '\\.')}\\((\\d+),\\d+\\)`).exec(error);
    return match ? [Number(match[1]) - 1] : [];
  });
  return [...new Set(lines)].sort((a, b) => a - b);
}

/** The README's ```ts example that imports `from '<module>'`, as written there. */
export function readmeExample(module: string): string {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const found = blocks.filter((block) => block.includes(`from '${module}'`));
  if (found.length !== 1) throw new Error(`expected one README example importing ${module}, found ${found.length}`);
  return found[0]!;
}

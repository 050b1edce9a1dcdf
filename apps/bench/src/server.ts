import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));
/** The production build (`pnpm --filter @commerce/server build`), else the TypeScript source through tsx. */
const compiledEntry = `${serverDir}dist/main.js`;
const sourceEntry = `${serverDir}src/main.ts`;

export interface ServerProcess {
  url: string;
  pid: number;
  /** How the process was started: compiled JavaScript or TypeScript through tsx. */
  mode: 'compiled' | 'tsx';
  /** Milliseconds from spawn to listening (migrations already applied). */
  startMs: number;
  rss: RssSampler;
  stop(): Promise<void>;
}

const MEMORY_FIELD = /^(VmRSS|RssAnon|RssFile|RssShmem):\s+(\d+) kB$/gm;

/** Samples a process's resident memory (VmRSS) at a fixed interval while it runs. */
export class RssSampler {
  maxBytes = 0;
  /** At the peak: anonymous memory (the V8 heap, native allocations) and file-backed pages (the binary, mapped libraries). */
  peak = { anonBytes: 0, fileBytes: 0 };
  lastBytes = 0;
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly pid: number) {}
  sample(): void {
    try {
      const bytes = Object.fromEntries(
        [...readFileSync(`/proc/${this.pid}/status`, 'utf8').matchAll(MEMORY_FIELD)].map(([, field, value]) => [field!, Number(value) * 1024]),
      );
      if (bytes.VmRSS === undefined) return;
      this.lastBytes = bytes.VmRSS;
      if (bytes.VmRSS > this.maxBytes) this.peak = { anonBytes: bytes.RssAnon ?? 0, fileBytes: (bytes.RssFile ?? 0) + (bytes.RssShmem ?? 0) };
      this.maxBytes = Math.max(this.maxBytes, bytes.VmRSS);
      this.samples += 1;
    } catch {
      // The process is gone: the last sample stands.
    }
  }
  start(intervalMs: number): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * The real server in a process of its own, as production runs it, on 127.0.0.1 and a port the
 * OS picks. `cpuProfileDir` writes a V8 CPU profile there when the process exits.
 */
export async function spawnServer(env: Record<string, string>, options: { cpuProfileDir?: string } = {}): Promise<ServerProcess> {
  const compiled = existsSync(compiledEntry);
  const args = [
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ...(compiled ? [compiledEntry] : ['--import', 'tsx', sourceEntry]),
  ];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: '0', HOST: '127.0.0.1', COMMERCE_PRINT_ADDRESS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: serverDir,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in 60 s:\n${output}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      const match = /LISTENING (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    if (process.env.BENCH_SERVER_LOG) child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(`[server ${child.pid}] ${chunk.toString()}`));
    child.stderr!.on('data', (chunk: Buffer) => {
      onData(chunk);
      process.stderr.write(`[server ${child.pid}] ${chunk.toString()}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  const startMs = performance.now() - started;
  const rss = new RssSampler(child.pid!);
  rss.start(200);
  return {
    url,
    pid: child.pid!,
    mode: compiled ? 'compiled' : 'tsx',
    startMs,
    rss,
    stop: async () => {
      rss.sample();
      rss.stop();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

import autocannon from 'autocannon';
import { cpuBetween, sampleCpu, type CpuUse } from './cpu';

/** How hard and how long each scenario is driven. Bounded: the whole run must stay short on 2 cores. */
export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Completed requests per second over the measured window (warm-up excluded). */
  rps: number;
  /** 2xx answers per second: what a scenario that may answer 409 actually got done. */
  okRps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  /** Over the measured window (null off Linux). */
  cpu: CpuUse | null;
}

/** One request of a scenario; `setup` may change it per call (autocannon's setupRequest). */
export interface Step {
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per connection: `context` is the connection's own object. */
  setup?: (request: autocannon.Request, context: Record<string, unknown>) => autocannon.Request;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

export interface Target {
  /** http://127.0.0.1:port */
  origin: string;
  /** One request, or a sequence each connection goes through in turn. */
  steps: Step[];
}

const MAX_CONNECTIONS = 200;
const MAX_SECONDS = 30;

/** Load goes to this machine only: anything else is a bug in the benchmark. */
export function assertLocal(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: only 127.0.0.1 is allowed`);
}

function run(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  const requests: autocannon.Request[] = target.steps.map((step) => ({
    method: step.method ?? 'GET',
    path: step.path,
    headers: { ...(step.body !== undefined && { 'content-type': 'application/json' }), ...step.headers },
    ...(step.body !== undefined && { body: step.body }),
    ...(step.setup && { setupRequest: step.setup as autocannon.Request['setupRequest'] }),
    ...(step.onResponse && { onResponse: step.onResponse as autocannon.Request['onResponse'] }),
  }));
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.origin,
        requests,
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
      },
      (error: unknown, result) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
  });
}

/** Warms the target up (result discarded), then measures it for a fixed time, and where the CPU went meanwhile (`serverPid`: the server under load). */
export async function measure(target: Target, settings: LoadSettings, serverPid?: number): Promise<LoadResult> {
  assertLocal(target.origin);
  const connections = Math.min(Math.max(1, Math.floor(settings.connections)), MAX_CONNECTIONS);
  const warmup = Math.min(Math.max(0, settings.warmupSeconds), MAX_SECONDS);
  const duration = Math.min(Math.max(1, settings.durationSeconds), MAX_SECONDS);

  if (warmup > 0) await run(target, connections, warmup);
  const before = sampleCpu(serverPid);
  const result = await run(target, connections, duration);
  const cpu = cpuBetween(before, sampleCpu(serverPid));
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  );
  const ok = Object.entries(statusCodes)
    .filter(([code]) => code.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const seconds = result.duration > 0 ? result.duration : duration;
  return {
    rps: result.requests.total / seconds,
    okRps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
    cpu,
  };
}

import autocannon from 'autocannon';

/** How hard and how long each scenario is driven. Bounded: the whole run must stay short on 2 cores. */
export interface LoadSettings {
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Completed requests per second over the measured window (warm-up excluded). */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Connection errors, including timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
}

export interface Target {
  url: string;
  headers?: Record<string, string>;
}

const MAX_CONNECTIONS = 200;
const MAX_SECONDS = 30;

/** Load goes to this machine only: anything else is a bug in the benchmark. */
function assertLocal(url: string): void {
  const { hostname } = new URL(url);
  if (hostname !== '127.0.0.1') throw new Error(`refusing to load ${url}: only 127.0.0.1 is allowed`);
}

function run(target: Target, connections: number, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: target.url,
        method: 'GET',
        headers: target.headers ?? {},
        connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        // The generator runs on its own thread, so the server under test keeps the main one.
        workers: 1,
      },
      (error: unknown, result) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result);
      },
    );
  });
}

/** Warms the target up (result discarded), then measures it for a fixed time. */
export async function measure(target: Target, settings: LoadSettings): Promise<LoadResult> {
  assertLocal(target.url);
  const connections = Math.min(Math.max(1, Math.floor(settings.connections)), MAX_CONNECTIONS);
  const warmup = Math.min(Math.max(0, settings.warmupSeconds), MAX_SECONDS);
  const duration = Math.min(Math.max(1, settings.durationSeconds), MAX_SECONDS);

  if (warmup > 0) await run(target, connections, warmup);
  const result = await run(target, connections, duration);
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
  );
  return {
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}

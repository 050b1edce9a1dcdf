import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Where the machine's CPU went while a scenario ran: the server under load, Postgres, Redis and
 * this process (the load generator). Read from /proc, so a row can say which of them bounds it
 * (a measurement, not a guess). Linux only; elsewhere every reading is null.
 */
export interface CpuUse {
  seconds: number;
  /** Cores busy on average over the window, per process group, and the whole machine's. */
  cores: { machine: number; server: number; postgres: number; redis: number; load: number };
}

interface Sample {
  at: number;
  /** In clock ticks (USER_HZ, 100 on Linux). */
  machineBusy: number;
  server: number;
  postgres: number;
  redis: number;
  load: number;
}

const TICK_MS = 10;

const processTicks = (pid: number | 'self'): number => {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
};

function ticksByCommand(): { postgres: number; redis: number } {
  const totals = { postgres: 0, redis: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm === 'postgres') totals.postgres += processTicks(Number(entry));
      else if (comm === 'redis-server') totals.redis += processTicks(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  return totals;
}

function machineBusyTicks(): number {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return user! + nice! + system! + irq! + softirq! + steal!;
}

export function sampleCpu(serverPid: number | undefined): Sample | null {
  try {
    return {
      at: performance.now(),
      machineBusy: machineBusyTicks(),
      server: serverPid === undefined ? 0 : processTicks(serverPid),
      ...ticksByCommand(),
      load: processTicks('self'),
    };
  } catch {
    return null;
  }
}

export function cpuBetween(before: Sample | null, after: Sample | null): CpuUse | null {
  if (!before || !after) return null;
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return null;
  const cores = (key: keyof Omit<Sample, 'at'>) => ((after[key] - before[key]) * TICK_MS) / 1000 / seconds;
  return {
    seconds,
    cores: { machine: cores('machineBusy'), server: cores('server'), postgres: cores('postgres'), redis: cores('redis'), load: cores('load') },
  };
}

/** A process of Node runs JavaScript on one thread: past this, the server's thread is the wall. */
const SERVER_SATURATED = 0.85;
/** Past this share of all cores busy, the machine is the wall, whoever uses it (scheduling gaps keep a saturated machine under 100 %). */
const MACHINE_SATURATED = 0.75;

/** What stopped a row, in words, from its CPU readings and the `unit`s it answered per second. */
export function boundOf({ cores }: CpuUse, perSecond: number, unit: string): string {
  const msPer = (busy: number) => (perSecond > 0 ? ((busy * 1000) / perSecond).toFixed(2) : '-');
  const split =
    `server ${msPer(cores.server)} ms, Postgres ${msPer(cores.postgres)} ms, Redis ${msPer(cores.redis)} ms of CPU per ${unit}; ` +
    `cores busy: server ${cores.server.toFixed(2)}, Postgres ${cores.postgres.toFixed(2)}, Redis ${cores.redis.toFixed(2)}, load generator ${cores.load.toFixed(2)}, machine ${cores.machine.toFixed(2)} of ${availableParallelism()}`;
  if (cores.server >= SERVER_SATURATED) return `the server's JavaScript thread (${split})`;
  if (cores.machine >= MACHINE_SATURATED * availableParallelism()) return `the machine's ${availableParallelism()} cores (${split})`;
  return `waiting, not CPU: no process saturated (${split})`;
}

/**
 * Waits, up to `limitMs`, until the machine is quiet (under `idleCores` busy over half a second),
 * so a row measures its own scenario, not the autovacuum or checkpoint a previous one set off.
 * Returns the milliseconds waited.
 */
export async function settle(limitMs: number, idleCores = 0.25): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    const [at, before] = [performance.now(), machineBusyTicks()];
    await new Promise((resolve) => setTimeout(resolve, 500));
    const busyCores = ((machineBusyTicks() - before) * TICK_MS) / (performance.now() - at);
    if (busyCores < idleCores) break;
  }
  return performance.now() - started;
}

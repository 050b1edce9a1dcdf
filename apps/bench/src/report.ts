import { mkdirSync, writeFileSync } from 'node:fs';
import type { CpuUse } from './cpu';
import type { LoadResult } from './load';

/** One measured row: a scenario of the store, or a ceiling. */
export interface Row {
  name: string;
  group: string;
  /** What the row counts per second: requests, orders, checkouts. */
  unit: string;
  rps: number;
  /** Per second that succeeded (2xx); equal to rps for ceilings. */
  okRps: number;
  p50: number | null;
  p99: number | null;
  statusCodes: Record<string, number>;
  errors: number;
  /** The name of the ceiling row this one is read against, and the share of it. */
  ceiling?: string;
  ratio?: number;
  /** The target this row is held to, in words, and whether it was met. */
  target?: string;
  met?: boolean;
  /** Where the CPU went while it ran, and for a target not met, what bounds it (from that reading). */
  cpu?: CpuUse | null;
  bound?: string;
}

export const fromLoad = (name: string, group: string, unit: string, result: LoadResult, perSequence = 1): Row => ({
  name,
  group,
  unit,
  rps: result.rps / perSequence,
  okRps: result.okRps / perSequence,
  p50: result.p50,
  p99: result.p99,
  statusCodes: result.statusCodes,
  errors: result.errors,
  cpu: result.cpu,
});

const ms = (value: number | null) => (value === null ? '-' : value < 1 ? '<1' : String(Math.round(value * 10) / 10));
const num = (value: number) => Math.round(value).toLocaleString('en-US');

function cells(row: Row): string[] {
  const codes = Object.entries(row.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${code}×${n}`)
    .join(' ');
  return [
    row.name,
    `${num(row.okRps)} ${row.unit}`,
    ms(row.p50),
    ms(row.p99),
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)} of ${row.ceiling}`,
    row.target === undefined ? '' : `${row.met ? 'met' : 'NOT met'}: ${row.target}`,
    [codes, row.errors ? `errors×${row.errors}` : ''].filter(Boolean).join(' '),
    row.bound ?? '',
  ];
}

const HEADER = ['scenario', 'per second (2xx)', 'p50 ms', 'p99 ms', 'share of ceiling', 'target', 'non-2xx', 'bound (measured in the run)'];

export function formatTable(rows: Row[]): string {
  const body = rows.map(cells);
  const widths = HEADER.map((title, i) => Math.max(title.length, ...body.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => (i === 0 || i >= 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function formatMarkdown(rows: Row[], notes: string[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i === 0 || i >= 4 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
  ];
  return [...lines, '', ...notes.map((note) => `- ${note}`), ''].join('\n');
}

/** Writes `latest.json` and `latest.md` into `dir` (the committed record of the last full run). */
export function writeResults(dir: string, stem: string, json: unknown, markdown: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${stem}.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(`${dir}/${stem}.md`, markdown);
}

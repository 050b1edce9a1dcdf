import type { LoadResult } from './load';

export interface Row {
  name: string;
  result: LoadResult;
  /** A measurement of the ceiling; the highest of these is 100%. */
  ceiling: boolean;
}

/** autocannon records whole milliseconds: 0 means under one. */
const ms = (value: number) => (value < 1 ? '<1' : String(value));

/**
 * A plain-text table: scenario, requests/s, p50 and p99 latency, and requests/s as a share of
 * the ceiling: the best node:http measurement of this same run.
 */
export function formatTable(rows: Row[]): string {
  const ceiling = Math.max(0, ...rows.filter((row) => row.ceiling).map((row) => row.result.rps));
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', '% of ceiling', 'errors'];
  const body = rows.map(({ name, result }) => [
    name,
    Math.round(result.rps).toLocaleString('en-US'),
    ms(result.p50),
    ms(result.p99),
    ceiling > 0 ? `${((result.rps / ceiling) * 100).toFixed(1)}%` : '-',
    String(result.non2xx + result.errors),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

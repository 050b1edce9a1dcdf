// Profiling aid (not part of `pnpm bench`): the bench's ⌘K palette row alone, on 100 000 products,
// people and orders (PRODUCTS=… to change), at 2 connections against the uncached server;
// then each term once, slowest first. HOLD=1 keeps the database for EXPLAIN. ORDERS=1 places
// orders first (the bench's spread scenario, 50 connections) and the pgbench ceilings (their
// orders all the last buyer's), as a full run does before the palette.
//   PROF=/tmp/prof npx tsx src/probe-palette.ts
import { measureCeiling, prepareCeiling } from './ceiling';
import { boundOf } from './cpu';
import { measure, type Step } from './load';
import { paletteQueries } from './shapes';
import { asBuyers, pick, placeOrder } from './steps';
import { startStore } from './store';

const store = await startStore({ products: Number(process.env.PRODUCTS ?? 100_000), buyers: 50, spread: 100, log: console.log, cpuProfileDir: process.env.PROF });
if (process.env.ORDERS) {
  const placed = await measure({ origin: store.cached.url, steps: [placeOrder(store.spread, asBuyers(store.buyers))] }, { connections: 50, warmupSeconds: 1, durationSeconds: 10 });
  console.log('orders', Math.round(placed.okRps), 'ok/s', JSON.stringify(placed.statusCodes));
  await prepareCeiling(store, [store.hot, ...store.spread]);
  for (const rows of [1, store.spread.length + 1]) {
    const ceiling = await measureCeiling(store, { userId: store.buyers.at(-1)!.id, rows, clients: 50, warmupSeconds: 1, durationSeconds: 5 });
    console.log('pgbench ceiling over', rows, 'rows:', Math.round(ceiling.tps), 'orders/s');
  }
}
const terms = paletteQueries();
const headers = { authorization: `Bearer ${store.adminToken}` };
const step: Step = { path: terms[0]!, setup: (request) => ({ ...request, path: pick(terms), headers: { ...request.headers, ...headers } }) };
const result = await measure({ origin: store.uncached.url, steps: [step] }, { connections: Number(process.env.CONN ?? 2), warmupSeconds: 1, durationSeconds: Number(process.env.SECONDS ?? 8) }, store.uncached.pid);
console.log('palette', Math.round(result.okRps), 'ok/s', 'p50', result.p50, 'p99', result.p99, JSON.stringify(result.statusCodes), result.cpu ? boundOf(result.cpu, result.rps, 'answer') : '');
const times: [number, string][] = [];
for (const path of new Set(terms)) {
  const started = performance.now();
  await fetch(store.uncached.url + path, { headers }).then((answer) => answer.text());
  times.push([Math.round(performance.now() - started), decodeURIComponent(path.slice(path.indexOf('=') + 1))]);
}
for (const [ms, input] of times.sort((a, b) => b[0] - a[0]).slice(0, 8)) console.log(ms, 'ms', input);
if (process.env.HOLD) {
  console.log('database', store.database.url, '- holding; ^C to stop');
  await new Promise(() => {});
}
await store.close();
process.exit(0);

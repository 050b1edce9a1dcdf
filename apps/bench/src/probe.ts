// Profiling aid (not part of `pnpm bench`): one scenario against a server started with --cpu-prof.
//   PROF=/tmp/prof SCENARIO=me|cart|order|hot|trpc|palette npx tsx src/probe.ts
// palette seeds 100 000 products, people and orders (PRODUCTS=… to change) and measures at 2 connections, uncached.
import { measure, type Step } from './load';
import { paletteQueries } from './palette';
import { startStore } from './store';

const scenario = process.env.SCENARIO ?? 'me';
const palette = scenario === 'palette';
const store = await startStore({ products: palette ? Number(process.env.PRODUCTS ?? 100_000) : 1000, buyers: 50, spread: 100, log: console.log, cpuProfileDir: process.env.PROF });
let next = 0;
const signedIn = (request: Parameters<NonNullable<Step['setup']>>[0], context: Record<string, unknown>) => {
  context.token ??= store.buyers[next++ % store.buyers.length]!.token;
  request.headers = { ...request.headers, authorization: `Bearer ${context.token as string}` };
  return request;
};
/** POST /api/orders of one unit of the product `pick` chooses, as the connection's buyer. */
function orderOf(pick: () => number): Step {
  return {
    method: 'POST',
    path: '/api/orders',
    body: '{}',
    setup: (request, context) => {
      request.body = JSON.stringify({ items: [{ productId: pick(), quantity: 1 }] });
      return signedIn(request, context);
    },
  };
}
const terms = paletteQueries();
const steps: Record<string, Step> = {
  me: { path: '/api/auth/me', setup: signedIn },
  cart: { path: '/api/cart', setup: signedIn },
  trpc: { path: `/trpc/products.list?input=${encodeURIComponent('{"limit":10}')}` },
  order: orderOf(() => store.spread[Math.floor(Math.random() * store.spread.length)]!),
  hot: orderOf(() => store.hot),
  palette: { path: paletteQueries()[0]!, setup: (request) => ({ ...request, path: terms[Math.floor(Math.random() * terms.length)]!, headers: { ...request.headers, authorization: `Bearer ${store.adminToken}` } }) },
};
const result = await measure({ origin: palette ? store.uncached.url : store.cached.url, steps: [steps[scenario]!] }, { connections: Number(process.env.CONN ?? (palette ? 2 : 50)), warmupSeconds: 1, durationSeconds: Number(process.env.SECONDS ?? 8) });
console.log(scenario, Math.round(result.okRps), 'ok/s', 'p50', result.p50, 'p99', result.p99, JSON.stringify(result.statusCodes));
if (palette) {
  // The slowest terms, one request at a time: which queries to EXPLAIN.
  const times: [number, string][] = [];
  for (const path of new Set(terms)) {
    const started = performance.now();
    await fetch(store.uncached.url + path, { headers: { authorization: `Bearer ${store.adminToken}` } }).then((r) => r.text());
    times.push([Math.round(performance.now() - started), decodeURIComponent(path.slice(path.indexOf('=') + 1))]);
  }
  for (const [ms, input] of times.sort((a, b) => b[0] - a[0]).slice(0, 8)) console.log(ms, 'ms', input);
  if (process.env.HOLD) {
    console.log('database', store.database.url, '- holding; ^C to stop');
    await new Promise(() => {});
  }
}
await store.close();
process.exit(0);

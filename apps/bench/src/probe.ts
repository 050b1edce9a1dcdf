// Profiling aid (not part of `pnpm bench`): scenarios against a server started with --cpu-prof.
//   PROF=/tmp/prof SCENARIO=me,cart,ceiling npx tsx src/probe.ts   (any of list|me|cart|order|hot|trpc|lists|searches|ceiling, in order)
// `ceiling` is the bench's node:http row (the 10-product page), so a share can be read in the same run.
// `lists` and `searches` drive the uncached server at 100 000 products and 10 connections through
// the bench's 200 shapes, then request every shape from 10 workers and print the slowest ones.
import { boundOf } from './cpu';
import { startNodeHttp } from './floors';
import { measure, type Step } from './load';
import { catalogShapes } from './shapes';
import { asBuyers, placeOrder } from './steps';
import { startStore } from './store';

const scenarios = (process.env.SCENARIO ?? 'me').split(',');
const isCatalog = (scenario: string) => scenario === 'lists' || scenario === 'searches';
const scenario = scenarios.find(isCatalog);
const catalog = scenario !== undefined;
const store = await startStore({
  products: Number(process.env.PRODUCTS ?? (catalog ? 100_000 : 1000)),
  buyers: 50,
  spread: 100,
  log: console.log,
  cpuProfileDir: process.env.PROF,
});
const signedIn = asBuyers(store.buyers);
const categories = (await (await fetch(`${store.uncached.url}/api/categories`)).json()) as { items: { id: number }[] };
const shapes = catalogShapes(categories.items.map((c) => c.id));
let next = 0;
const cycling = (paths: string[]): Step => ({ path: paths[0]!, setup: (request) => ({ ...request, path: paths[next++ % paths.length] }) });
const steps: Record<string, Step> = {
  list: { path: '/api/products?limit=10' },
  me: { path: '/api/auth/me', setup: signedIn },
  cart: { path: '/api/cart', setup: signedIn },
  trpc: { path: `/trpc/products.list?input=${encodeURIComponent('{"limit":10}')}` },
  lists: cycling(shapes.lists),
  searches: cycling(shapes.searches),
  order: placeOrder(store.spread, signedIn),
  hot: placeOrder([store.hot], signedIn),
};
const connections = Number(process.env.CONN ?? (catalog ? 10 : 50));
const settings = { connections, warmupSeconds: 1, durationSeconds: Number(process.env.SECONDS ?? 8) };
const page = await (await fetch(`${store.cached.url}/api/products?limit=10`)).text();
const nodeHttp = await startNodeHttp(page);
for (const name of scenarios) {
  const server = isCatalog(name) ? store.uncached : store.cached;
  const ceiling = name === 'ceiling';
  const target = ceiling ? { origin: nodeHttp.url, steps: [{ path: '/' }] } : { origin: server.url, steps: [steps[name]!] };
  const result = await measure(target, settings, server.pid);
  // CPU time per answer barely moves with what else the machine runs, unlike req/s. The ceiling
  // runs in this process, beside the load generator: its CPU time is not its own.
  const cpu = ceiling || !result.cpu ? '' : boundOf(result.cpu, result.rps, 'answer');
  console.log(name, Math.round(result.okRps), 'ok/s', 'p50', result.p50, 'p99', result.p99, JSON.stringify(result.statusCodes), cpu);
}
console.log(`server RSS at most ${Math.round(store.cached.rss.maxBytes / 2 ** 20)} MB (cached), ${Math.round(store.uncached.rss.maxBytes / 2 ** 20)} MB (uncached)`);
await nodeHttp.close();

if (catalog) {
  // Per shape: every path ROUNDS times from `connections` workers at once (the first round
  // after the load above: counts already cached, as in a long run).
  const origin = store.uncached.url;
  const paths = scenario === 'lists' ? shapes.lists : shapes.searches;
  const times = new Map<string, number[]>(paths.map((path) => [path, []]));
  const queue = Array.from({ length: Number(process.env.ROUNDS ?? 3) }, () => paths).flat();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const start = performance.now();
        const response = await fetch(`${origin}${path}`);
        await response.arrayBuffer();
        if (response.status !== 200) console.log(response.status, path);
        times.get(path)!.push(performance.now() - start);
      }
    }),
  );
  const all = [...times.values()].flat().sort((a, b) => a - b);
  const at = (q: number) => all[Math.min(all.length - 1, Math.floor(q * all.length))]!.toFixed(1);
  console.log(`per-shape pass: ${all.length} requests, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms; slowest shapes (median ms):`);
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  for (const [path, list] of [...times].sort((a, b) => median(b[1]) - median(a[1])).slice(0, 15)) {
    console.log(median(list).toFixed(1).padStart(7), decodeURIComponent(path));
  }
}
if (process.env.KEEP) {
  console.log(`KEEP: database ${store.database.url}; Ctrl-C or kill ${process.pid} to drop it`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
}
await store.close();
process.exit(0);

// Profiling aid (not part of `pnpm bench`): scenarios against a server started with --cpu-prof.
//   PROF=/tmp/prof SCENARIO=me,cart,ceiling npx tsx src/probe.ts   (any of me|cart|order|hot|trpc|ceiling, in order;
//   PRODUCTS=100000 for the full run's catalog)
// `ceiling` is the bench's node:http row (the 10-product page), so a share can be read in the same run.
import { readFileSync } from 'node:fs';
import { startNodeHttp } from './floors';
import { measure, type Step } from './load';
import { startStore } from './store';

const store = await startStore({ products: Number(process.env.PRODUCTS ?? 1000), buyers: 50, spread: 100, log: console.log, cpuProfileDir: process.env.PROF });
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
const steps: Record<string, Step> = {
  me: { path: '/api/auth/me', setup: signedIn },
  cart: { path: '/api/cart', setup: signedIn },
  trpc: { path: `/trpc/products.list?input=${encodeURIComponent('{"limit":10}')}` },
  order: orderOf(() => store.spread[Math.floor(Math.random() * store.spread.length)]!),
  hot: orderOf(() => store.hot),
};
const page = await (await fetch(`${store.cached.url}/api/products?limit=10`)).text();
const nodeHttp = await startNodeHttp(page);
const settings = { connections: Number(process.env.CONN ?? 50), warmupSeconds: 1, durationSeconds: Number(process.env.SECONDS ?? 8) };
// The server's CPU time (user + system, in clock ticks of 10 ms) per answer: unlike req/s, it
// barely moves with what else the machine runs. Warm-up included on both sides.
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
};
for (const scenario of (process.env.SCENARIO ?? 'me').split(',')) {
  const ceiling = scenario === 'ceiling';
  const target = ceiling ? { origin: nodeHttp.url, steps: [{ path: '/' }] } : { origin: store.cached.url, steps: [steps[scenario]!] };
  const before = cpuTicks(store.cached.pid);
  const result = await measure(target, settings);
  const answers = result.requests * (1 + settings.warmupSeconds / settings.durationSeconds);
  // The ceiling runs in this process, beside the load generator: its CPU time is not its own.
  const cpu = ceiling ? '' : `server cpu ${(((cpuTicks(store.cached.pid) - before) * 10) / answers).toFixed(2)} ms/answer`;
  console.log(scenario, Math.round(result.okRps), 'ok/s', 'p50', result.p50, 'p99', result.p99, cpu, JSON.stringify(result.statusCodes));
}
console.log(`server RSS at most ${Math.round(store.cached.rss.maxBytes / 2 ** 20)} MB (cached), ${Math.round(store.uncached.rss.maxBytes / 2 ** 20)} MB (uncached)`);
await nodeHttp.close();
await store.close();
process.exit(0);

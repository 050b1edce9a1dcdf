// Profiling aid (not part of `pnpm bench`): one scenario against a server started with --cpu-prof.
//   PROF=/tmp/prof SCENARIO=me|cart|order|hot|trpc npx tsx src/probe.ts
import { measure, type Step } from './load';
import { startStore } from './store';

const store = await startStore({ products: 1000, buyers: 50, spread: 100, log: console.log, cpuProfileDir: process.env.PROF });
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
const scenario = process.env.SCENARIO ?? 'me';
const result = await measure({ origin: store.cached.url, steps: [steps[scenario]!] }, { connections: Number(process.env.CONN ?? 50), warmupSeconds: 1, durationSeconds: Number(process.env.SECONDS ?? 8) });
console.log(scenario, Math.round(result.okRps), 'ok/s', 'p50', result.p50, 'p99', result.p99, JSON.stringify(result.statusCodes));
await store.close();
process.exit(0);

/**
 * `pnpm bench` (`pnpm bench --quick` for a fast look): the store's real work over HTTP, each
 * figure beside a ceiling measured in the same run: a bare node:http server for reads, and for
 * orders the smallest transaction that can place one (pgbench, same concurrency). Printed as a
 * table and written to apps/bench/results/ as JSON and markdown (`latest.*` for a full run,
 * `quick.*` for a quick one).
 *
 * The server runs as its own process, as in production (compiled JavaScript when built), with
 * its resident memory sampled throughout. Load goes only to 127.0.0.1, one scenario at a time,
 * for a fixed time; the whole run has a hard time limit. It ends by checking, for every variant,
 * that stock + units sold in the run = stock before it. Exit 1 on failed checks or unexpected
 * answers (anything but the 409s a scenario expects), never on speed.
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBareFastify, startNodeHttp, type Listening } from './floors';
import { measureCeiling, pgbenchAvailable, prepareCeiling } from './ceiling';
import { measure, type LoadSettings, type Step, type Target } from './load';
import { formatMarkdown, formatTable, fromLoad, writeResults, type Row } from './report';
import { boundOf, settle } from './cpu';
import { catalogShapes, paletteQueries } from './shapes';
import { addToCart, asBuyers, pick, placeOrder } from './steps';
import { checkConservation, drainOutbox, startStore, type Store } from './store';
import { measureTransactionHelper } from './structure';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const profileDir = process.env.BENCH_CPU_PROF || undefined;
const PRODUCTS = quick ? 10_000 : 100_000;
const READS: LoadSettings = quick
  ? { connections: 50, warmupSeconds: 0.5, durationSeconds: 2 }
  : { connections: 50, warmupSeconds: 1, durationSeconds: 5 };
const ORDERS: LoadSettings = { ...READS, connections: 50 };
const UNCACHED: LoadSettings = { ...READS, connections: 10 };
/** The palette is one staff member typing: latency, not throughput. */
const PALETTE: LoadSettings = { ...READS, connections: 2 };
const BUYERS = 50;
const SPREAD = 1000;
/** Hard stop for the whole run, whatever hangs. */
const RUN_LIMIT_MS = (quick ? 6 : 14) * 60 * 1000;
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));

const log = (line: string) => console.log(`[bench] ${line}`);
const failures: string[] = [];
function check(condition: unknown, message: string): void {
  if (!condition) {
    failures.push(message);
    console.error(`[bench] CHECK FAILED: ${message}`);
  }
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token && { authorization: `Bearer ${init.token}` }),
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

/** 200 varied list and search requests: words of the synthetic names, sorts, categories, prices, stock, pages. */
interface Scenario {
  name: string;
  group: 'reads' | 'orders' | 'uncached';
  unit?: string;
  target: Target;
  settings: LoadSettings;
  /** Statuses other than 2xx that this scenario may answer (e.g. 409 out of stock). */
  expected?: number[];
  /** Requests per counted unit (a checkout is three requests). */
  perSequence?: number;
  after?: () => Promise<void>;
}

/** Longest wait for the machine to go quiet before a row. */
const SETTLE_LIMIT_MS = quick ? 3_000 : 10_000;
let settledMs = 0;

/** The server process behind each origin, whose CPU a row reads. */
const serverPids = new Map<string, number>();

async function measureRow(scenario: Scenario): Promise<Row> {
  settledMs += await settle(SETTLE_LIMIT_MS);
  const result = await measure(scenario.target, scenario.settings, serverPids.get(scenario.target.origin));
  const row = fromLoad(scenario.name, scenario.group, scenario.unit ?? 'req', result, scenario.perSequence);
  log(`${scenario.name}: ${Math.round(row.okRps)} ${row.unit}/s (2xx), p99 ${result.p99} ms`);
  const unexpected = Object.entries(result.statusCodes).filter(
    ([code]) => !code.startsWith('2') && !(scenario.expected ?? []).includes(Number(code)),
  );
  check(unexpected.length === 0, `${scenario.name}: unexpected answers ${JSON.stringify(Object.fromEntries(unexpected))}`);
  check(result.errors === 0, `${scenario.name}: ${result.errors} connection errors`);
  check(result.okRps > 0, `${scenario.name}: nothing succeeded`);
  // Let the last requests of every connection finish before the next scenario.
  await new Promise((resolve) => setTimeout(resolve, Math.min(200 + 2 * result.p99, 5_000)));
  await scenario.after?.();
  return row;
}

function held(row: Row | undefined, ceiling: Row | undefined, target: { ratio?: number; p99?: number; text: string }): void {
  if (!row) return;
  const parts: boolean[] = [];
  if (ceiling && target.ratio !== undefined) {
    row.ceiling = ceiling.name;
    row.ratio = row.okRps / ceiling.okRps;
    parts.push(row.ratio >= target.ratio);
  }
  if (target.p99 !== undefined) parts.push(row.p99 !== null && row.p99 <= target.p99);
  row.target = target.text;
  row.met = parts.every(Boolean);
  if (!row.met && row.cpu) row.bound = boundOf(row.cpu, row.rps, unitOf(row));
}

const unitOf = (row: Row) => (row.unit === 'req' ? 'request' : row.unit.replace(/s$/, ''));

async function run(store: Store): Promise<{ rows: Row[]; floors: Listening[]; notes: string[] }> {
  const { cached, uncached, buyers } = store;
  serverPids.set(cached.url, cached.pid).set(uncached.url, uncached.pid);
  const notes: string[] = [];
  const floors: Listening[] = [];
  const rows: Row[] = [];

  // Sanity first: the cache answers, the API answers what the scenarios expect.
  const listPath = '/api/products?limit=10';
  await call(`${cached.url}${listPath}`);
  const page = await call(`${cached.url}${listPath}`);
  check(page.status === 200 && page.headers.get('x-cache') === 'hit', `cached list: ${page.status}, x-cache ${page.headers.get('x-cache')}`);
  const productPath = `/api/products/${store.hot}`;
  await call(`${cached.url}${productPath}`);
  check((await call(`${cached.url}${productPath}`)).headers.get('x-cache') === 'hit', 'cached product: not a hit');
  const me = await call(`${cached.url}/api/auth/me`, { token: buyers[0]!.token });
  check(me.status === 200, `auth/me: ${me.status}`);
  const trpcPath = `/trpc/products.list?input=${encodeURIComponent(JSON.stringify({ limit: 10 }))}`;
  check((await call(`${cached.url}${trpcPath}`)).status === 200, 'tRPC products.list failed');
  const categories = (await call(`${uncached.url}/api/categories`)).json() as unknown as { id: number }[] | { items: { id: number }[] };
  const categoryIds = (Array.isArray(categories) ? categories : categories.items).map((c) => c.id);
  const shapes = catalogShapes(categoryIds.length ? categoryIds : [1]);
  for (const path of [...shapes.lists.slice(0, 5), ...shapes.searches.slice(0, 5)]) {
    const answer = await call(`${uncached.url}${path}`);
    check(answer.status === 200, `uncached ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  for (const path of paletteQueries().slice(0, 20)) {
    const answer = await call(`${uncached.url}${path}`, { token: store.adminToken });
    check(answer.status === 200, `palette ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  if (failures.length) return { rows, floors, notes };

  const nodeHttp = await startNodeHttp(page.text);
  const fastify = await startBareFastify(page.text);
  floors.push(nodeHttp, fastify);
  const get = (origin: string, path: string, extra: Partial<Step> = {}): Target => ({ origin, steps: [{ path, ...extra }] });
  const signedIn = asBuyers(buyers);

  const reads: Scenario[] = [
    { name: 'node:http, the 10-product page (ceiling)', group: 'reads', target: get(nodeHttp.url, '/'), settings: READS },
    { name: 'bare Fastify, same body', group: 'reads', target: get(fastify.url, '/'), settings: READS },
    { name: 'GET /api/products?limit=10 (cached)', group: 'reads', target: get(cached.url, listPath), settings: READS },
    { name: 'GET /api/products/{id} (cached)', group: 'reads', target: get(cached.url, productPath), settings: READS },
    { name: 'tRPC products.list limit 10', group: 'reads', target: get(cached.url, trpcPath), settings: READS },
    { name: 'GET /api/auth/me (bearer)', group: 'reads', target: get(cached.url, '/api/auth/me', { setup: signedIn }), settings: READS },
    { name: 'GET /api/cart (bearer)', group: 'reads', target: get(cached.url, '/api/cart', { setup: signedIn }), settings: READS },
    {
      name: 'POST /api/cart/items (add a line)',
      group: 'reads',
      target: {
        origin: cached.url,
        steps: [
          addToCart(store.spread.slice(0, 100), signedIn),
        ],
      },
      settings: READS,
    },
    { name: 'node:http, again (drift)', group: 'reads', target: get(nodeHttp.url, '/'), settings: READS },
  ];
  for (const scenario of reads) rows.push(await measureRow(scenario));
  const [firstCeiling, , list, product, trpc, authMe, cart, , lastCeiling] = rows;
  const readCeiling = [firstCeiling!, lastCeiling!].sort((a, b) => b.okRps - a.okRps)[0]!;
  held(list, readCeiling, { ratio: 0.5, p99: 10, text: '≥ 0.5, p99 ≤ 10 ms' });
  held(product, readCeiling, { ratio: 0.5, p99: 10, text: '≥ 0.5, p99 ≤ 10 ms' });
  held(trpc, readCeiling, { ratio: 0, text: '' });
  held(authMe, readCeiling, { ratio: 0.25, text: '≥ 0.25' });
  held(cart, readCeiling, { ratio: 0.25, text: '≥ 0.25' });
  if (trpc) delete trpc.target;
  rows.at(-2)!.ceiling = readCeiling.name;
  rows.at(-2)!.ratio = rows.at(-2)!.okRps / readCeiling.okRps;

  // Every buyer starts the order scenarios with an empty cart.
  await Promise.all(buyers.map((buyer) => call(`${cached.url}/api/cart`, { method: 'DELETE', token: buyer.token })));

  // Orders: the ceiling of each shape in the same run, at the same concurrency.
  const ceilingUser = buyers.at(-1)!;
  const orderBuyers = asBuyers(buyers.slice(0, -1));
  const ceiling = async (name: string, rowsOfStock: number): Promise<Row | undefined> => {
    if (!pgbenchAvailable()) {
      notes.push('pgbench is not installed: no order ceiling in this run (install the Postgres client tools)');
      return undefined;
    }
    const result = await measureCeiling(store, {
      userId: ceilingUser.id,
      rows: rowsOfStock,
      clients: ORDERS.connections,
      warmupSeconds: ORDERS.warmupSeconds,
      durationSeconds: ORDERS.durationSeconds,
    });
    check(result.failed === 0, `${name}: ${result.failed} failed transactions`);
    log(`${name}: ${Math.round(result.tps)} orders/s`);
    return { name, group: 'orders', unit: 'orders', rps: result.tps, okRps: result.tps, p50: null, p99: null, statusCodes: {}, errors: 0 };
  };
  await prepareCeiling(store, [store.hot, ...store.spread]);
  const hotCeiling = await ceiling('ceiling: one statement, narrow stock row, one product (pgbench)', 1);
  const hot = await measureRow({
    name: 'POST /api/orders, one product (hot)',
    group: 'orders',
    unit: 'orders',
    target: { origin: cached.url, steps: [placeOrder([store.hot], orderBuyers)] },
    settings: ORDERS,
    expected: [409],
  });
  // pgbench picks rows 1..N; row 1 is the hot product, so the spread ceiling uses the other 1000 as well as it.
  const spreadCeiling = await ceiling(`ceiling: one statement, narrow stock row, random of ${SPREAD + 1} products (pgbench)`, SPREAD + 1);
  const spread = await measureRow({
    name: `POST /api/orders, random of ${SPREAD} products (spread)`,
    group: 'orders',
    unit: 'orders',
    target: { origin: cached.url, steps: [placeOrder(store.spread, orderBuyers)] },
    settings: ORDERS,
    expected: [409],
  });
  const checkoutRow = await measureRow({
    name: 'checkout: add to cart, check out, pay offline',
    group: 'orders',
    unit: 'checkouts',
    perSequence: 3,
    target: {
      origin: cached.url,
      steps: [
        addToCart(store.spread, orderBuyers),
        {
          method: 'POST',
          path: '/api/cart/checkout',
          body: '{}',
          setup: orderBuyers,
          onResponse: (status, body, context) => {
            context.orderId = status === 200 ? (JSON.parse(body) as { id: number }).id : undefined;
          },
        },
        {
          method: 'POST',
          path: '/api/orders/0/pay',
          // No provider named: the server's default, the offline one without a Stripe key (PAYMENTS_OFFLINE).
          body: '{}',
          setup: (request, context) => {
            if (context.orderId === undefined) return undefined as unknown as typeof request;
            request.path = `/api/orders/${context.orderId as number}/pay`;
            return orderBuyers(request, context);
          },
        },
      ],
    },
    settings: ORDERS,
    expected: [409],
  });
  for (const [row, ceil] of [
    [hotCeiling, undefined],
    [hot, hotCeiling],
    [spreadCeiling, undefined],
    [spread, spreadCeiling],
  ] as const) {
    if (!row) continue;
    rows.push(row);
    if (ceil) held(row, ceil, { ratio: 0.5, text: '≥ 0.5, only 409s besides 2xx' });
  }
  rows.push(checkoutRow);
  // The orders' emails are the store's work too, done by the dispatchers after the answers: they
  // finish before the next rows, which then measure their own scenario alone.
  const outbox = await drainOutbox(store, 120_000);
  check(outbox.drained, `the outbox still held due rows ${outbox.seconds.toFixed(0)} s after the order scenarios`);
  const delivered = `${outbox.rows} outbox rows (order events and their emails) delivered ${outbox.seconds.toFixed(1)} s after the order scenarios`;
  log(delivered);
  notes.push(delivered);

  const lists: Scenario = {
    name: 'list, 200 shapes (filters, sorts, pages), cache off',
    group: 'uncached',
    target: { origin: uncached.url, steps: [{ path: listPath, setup: (request) => ({ ...request, path: pick(shapes.lists) }) }] },
    settings: UNCACHED,
  };
  const searches: Scenario = {
    name: 'search, 200 terms and filters, cache off',
    group: 'uncached',
    target: { origin: uncached.url, steps: [{ path: listPath, setup: (request) => ({ ...request, path: pick(shapes.searches) }) }] },
    settings: UNCACHED,
  };
  for (const scenario of [lists, searches]) {
    const row = await measureRow(scenario);
    held(row, undefined, { p99: 25, text: `p99 ≤ 25 ms at ${UNCACHED.connections} connections` });
    rows.push(row);
  }
  const cost = await measureTransactionHelper(store.database.url, { connections: UNCACHED.connections, seconds: 2 * READS.durationSeconds });
  check(cost.effectsRun > 0, 'transaction(): no after-commit effect ran');
  const bareRow: Row = { name: 'bare db.transaction, one-row update (ceiling)', group: 'structure', unit: 'tx', rps: cost.bare, okRps: cost.bare, p50: null, p99: null, statusCodes: {}, errors: 0 };
  const helperRow: Row = { ...bareRow, name: 'core transaction() + one afterCommit effect, same update', rps: cost.helper, okRps: cost.helper };
  held(helperRow, bareRow, { ratio: 0.95, text: '≥ 0.95: the after-commit helper costs nothing measurable (#18)' });
  log(`transaction(): ${Math.round(cost.helper)} tx/s against bare ${Math.round(cost.bare)} tx/s`);
  rows.push(bareRow, helperRow);

  const palette = paletteQueries();
  const paletteRow = await measureRow({
    name: `⌘K palette (tRPC reports.search), 200 queries over ${PRODUCTS} products, customers and orders`,
    group: 'uncached',
    target: {
      origin: uncached.url,
      steps: [{ path: palette[0]!, setup: (request) => ({ ...request, path: pick(palette), headers: { ...request.headers, authorization: `Bearer ${store.adminToken}` } }) }],
    },
    settings: PALETTE,
  });
  held(paletteRow, undefined, { p99: 50, text: `p99 ≤ 50 ms at ${PALETTE.connections} connections` });
  rows.push(paletteRow);
  return { rows, floors, notes };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
/** A server's peak RSS, split into anonymous memory (V8 heap and native allocations) and mapped files. */
const peakOf = ({ rss }: Store['cached']) => `${mb(rss.maxBytes)}: ${mb(rss.peak.anonBytes)} anonymous, ${mb(rss.peak.fileBytes)} file-backed`;

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    console.error(`[bench] run exceeded ${RUN_LIMIT_MS / 1000} s; stopping`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();
  const startedAt = new Date();
  log(
    `${quick ? 'QUICK' : 'full'} run: node ${process.version}, ${availableParallelism()} cores; ${PRODUCTS} products; ` +
      `${READS.warmupSeconds} s warm-up + ${READS.durationSeconds} s per scenario`,
  );
  const store = await startStore({ products: PRODUCTS, buyers: BUYERS, spread: SPREAD, cpuProfileDir: profileDir, log });
  let outcome: Awaited<ReturnType<typeof run>> = { rows: [], floors: [], notes: [] };
  let conservation;
  try {
    outcome = await run(store);
    conservation = await checkConservation(store, store.buyers.at(-1)!.id);
    check(conservation.broken === 0, `stock conservation: ${conservation.broken} variants where stock + units sold ≠ stock before`);
    check(conservation.productTotalsOff === 0, `${conservation.productTotalsOff} products whose total is not their variants' stock`);
    log(`conservation: ${conservation.variants} variants checked, ${conservation.unitsSold} units sold, ${conservation.broken} off`);
  } finally {
    for (const floor of outcome.floors) await floor.close();
    await store.close();
  }
  const rssMax = Math.max(store.cached.rss.maxBytes, store.uncached.rss.maxBytes);
  const rssMb = rssMax / 2 ** 20;
  check(rssMb <= 250, `server RSS reached ${rssMb.toFixed(0)} MB (limit 250)`);
  const notes = [
    ...outcome.notes,
    `${startedAt.toISOString()}, ${quick ? 'quick' : 'full'} run; ${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()}; load average at the end ${loadavg().map((n) => n.toFixed(2)).join(' ')} (other work on the machine moves every absolute figure; read the shares)`,
    `before each row the bench waited for the machine to go quiet (under 0.25 cores busy, at most ${SETTLE_LIMIT_MS / 1000} s): ${(settledMs / 1000).toFixed(1)} s in all`,
    `CPU per answer and cores busy come from /proc over each row's measured window (the load generator is this process, autocannon in it); a target not met names the resource that bound it`,
    `${PRODUCTS} products; reads and orders at ${READS.connections} connections, uncached list and search at ${UNCACHED.connections}; ${READS.warmupSeconds} s warm-up + ${READS.durationSeconds} s each; ${store.buyers.length} buyers, one per connection`,
    `server: ${store.cached.mode === 'compiled' ? 'compiled JavaScript (apps/server/dist)' : 'TypeScript through tsx (run `pnpm --filter @commerce/server build` for the production build)'}, started and listening in ${Math.round(store.cached.startMs)} ms; RSS at most ${rssMb.toFixed(0)} MB (cached server ${peakOf(store.cached)}, uncached ${peakOf(store.uncached)}; ${store.cached.rss.samples + store.uncached.rss.samples} samples)`,
    conservation
      ? `stock conservation: ${conservation.variants} variants, ${conservation.unitsSold} units sold in the run, ${conservation.broken} where stock + sold ≠ stock before; ${conservation.productTotalsOff} ordered products whose total is off`
      : 'stock conservation: not checked (the run stopped early)',
  ];
  const rows = outcome.rows;
  if (rows.length) {
    console.log(`\n${formatTable(rows)}\n`);
    for (const note of notes) log(note);
    const stem = quick ? 'quick' : 'latest';
    writeResults(
      resultsDir,
      stem,
      { startedAt, quick, settings: { reads: READS, orders: ORDERS, uncached: UNCACHED, products: PRODUCTS }, rows, conservation, rssMaxBytes: rssMax, startMs: store.cached.startMs, serverMode: store.cached.mode, failures, loadavg: loadavg() },
      `# pnpm bench${quick ? ' --quick' : ''}\n\n${formatMarkdown(rows, notes)}`,
    );
    log(`written to apps/bench/results/${stem}.json and ${stem}.md`);
  }
  if (failures.length > 0) {
    console.error(`[bench] ${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('[bench] failed:', error);
    process.exit(1);
  },
);

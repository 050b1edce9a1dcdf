/**
 * `pnpm bench`: HTTP throughput and latency of the real server, each beside a ceiling measured
 * in the same run (a bare node:http server in this process), so the numbers read as ratios
 * rather than absolutes that depend on the machine.
 *
 * Load goes only to 127.0.0.1, one scenario at a time, for a fixed time, from a worker thread.
 * The run fails (exit 1) on errors only (non-2xx answers, connection errors, failed checks),
 * never on speed.
 */
import { availableParallelism, loadavg } from 'node:os';
import { startBareFastify, startNodeHttp, type Listening } from './floors';
import { measure, type LoadResult, type LoadSettings, type Target } from './load';
import { startStore, SYNTHETIC_PRODUCTS, type Store } from './store';
import { formatTable, type Row } from './table';

const SETTINGS: LoadSettings = { connections: 50, warmupSeconds: 1, durationSeconds: 5 };
/** Hard stop for the whole run, whatever hangs. */
const RUN_LIMIT_MS = 5 * 60 * 1000;

const log = (line: string) => console.log(`[bench] ${line}`);
const failures: string[] = [];

function check(condition: unknown, message: string): void {
  if (!condition) {
    failures.push(message);
    console.error(`[bench] CHECK FAILED: ${message}`);
  }
}

interface Sample {
  status: number;
  headers: Headers;
  text: string;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Sample> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** Requests a cacheable URL twice; the second answer must be a cache hit. */
async function expectCacheHit(url: string, what: string): Promise<Sample> {
  await get(url);
  const sample = await get(url);
  check(sample.status === 200, `${what}: status ${sample.status}`);
  check(sample.headers.get('x-cache') === 'hit', `${what}: x-cache is ${sample.headers.get('x-cache')}, expected hit`);
  return sample;
}

/**
 * When the generator stops, the server may still be working on the last request of each
 * connection (queued behind the others: about one p99 latency). Let those finish before the
 * next scenario, or before the database closes under them.
 */
function settle(result: LoadResult): Promise<void> {
  const ms = Math.min(200 + 2 * result.p99, 10_000);
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Scenario {
  name: string;
  target: Target;
  /** A ceiling measurement: the best of these is what the others are compared with. */
  ceiling?: boolean;
  /** Checks after the load, on a fresh sample. */
  after?: () => Promise<void>;
}

async function prepare(store: Store): Promise<{ scenarios: Scenario[]; floors: Listening[]; pageBytes: number }> {
  const cached = store.cached.url;
  const uncached = store.uncached.url;

  const listUrl = `${cached}/api/products?limit=10`;
  const page = await expectCacheHit(listUrl, 'GET /api/products?limit=10');
  const parsed = JSON.parse(page.text) as { items: { id: number }[]; total: number };
  check(parsed.items.length === 10, `product page has ${parsed.items.length} items, expected 10`);
  // One synthetic product in 23 is inactive, hidden from anonymous readers.
  check(parsed.total > SYNTHETIC_PRODUCTS * 0.9, `catalog shows ${parsed.total} products, expected about ${SYNTHETIC_PRODUCTS}`);
  const productId = parsed.items[0]?.id ?? 1;
  const productUrl = `${cached}/api/products/${productId}`;
  await expectCacheHit(productUrl, `GET /api/products/${productId}`);

  const dbListUrl = `${uncached}/api/products?limit=10`;
  const dbPage = await get(dbListUrl);
  check(dbPage.status === 200, `cache off: list status ${dbPage.status}`);
  check(dbPage.headers.get('x-cache') === null, 'cache off: list answered with an x-cache header');

  const searchUrl = `${uncached}/api/products?q=lamp&limit=10&sort=price_asc`;
  const search = await get(searchUrl);
  const found = JSON.parse(search.text) as { items: unknown[]; total: number };
  check(search.status === 200 && found.items.length === 10, `search: status ${search.status}, ${found.items?.length} items`);
  log(`search "lamp" matches ${found.total} products`);

  const email = `bench-${process.pid}-${Date.now()}@example.test`;
  const registered = await fetch(`${cached}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'bench-password-123' }),
  });
  const auth = (await registered.json()) as { token?: string };
  check(registered.status === 200 && auth.token, `register: status ${registered.status}`);
  const bearer = { authorization: `Bearer ${auth.token ?? ''}` };
  const meUrl = `${cached}/api/auth/me`;
  const me = await get(meUrl, bearer);
  check(me.status === 200 && (JSON.parse(me.text) as { email?: string }).email === email, `auth/me: status ${me.status}`);

  // The floors answer the very body of a real 10-product page.
  const floors = [await startNodeHttp(page.text), await startBareFastify(page.text)];
  const [nodeHttp, fastify] = floors as [Listening, Listening];

  const scenarios: Scenario[] = [
    { name: 'node:http static page (ceiling, first)', target: { url: `${nodeHttp.url}/` }, ceiling: true },
    { name: 'bare Fastify static page (floor)', target: { url: `${fastify.url}/` } },
    {
      name: 'a. GET /api/products?limit=10 (cache hit)',
      target: { url: listUrl },
      after: async () => void (await expectCacheHit(listUrl, 'after load: list')),
    },
    {
      name: 'b. GET /api/products/:id (cache hit)',
      target: { url: productUrl },
      after: async () => void (await expectCacheHit(productUrl, 'after load: product')),
    },
    { name: 'c. GET /api/products?limit=10 (cache off, db)', target: { url: dbListUrl } },
    // The session is validated from the session cache; getMe then reads the user row (one select).
    { name: 'd. GET /api/auth/me (bearer, cached session)', target: { url: meUrl, headers: bearer } },
    { name: 'e. search q=lamp sort=price_asc (cache off)', target: { url: searchUrl } },
    // Measured again last: the two ceiling rows show how much the machine drifted in the run.
    { name: 'node:http static page (ceiling, last)', target: { url: `${nodeHttp.url}/` }, ceiling: true },
  ];
  return { scenarios, floors, pageBytes: Buffer.byteLength(page.text) };
}

async function main(): Promise<number> {
  const watchdog = setTimeout(() => {
    console.error(`[bench] run exceeded ${RUN_LIMIT_MS / 1000} s; stopping`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  watchdog.unref();

  log(
    `node ${process.version}, ${availableParallelism()} cores; ${SETTINGS.connections} connections, ` +
      `${SETTINGS.warmupSeconds} s warm-up + ${SETTINGS.durationSeconds} s per scenario, load from a worker thread`,
  );
  const store = await startStore(log);
  const floors: Listening[] = [];
  const rows: Row[] = [];
  try {
    const prepared = await prepare(store);
    floors.push(...prepared.floors);
    log(`static body: ${prepared.pageBytes} bytes (the real 10-product page)`);
    if (failures.length === 0) {
      for (const scenario of prepared.scenarios) {
        const result: LoadResult = await measure(scenario.target, SETTINGS);
        rows.push({ name: scenario.name, result, ceiling: scenario.ceiling ?? false });
        log(`${scenario.name}: ${Math.round(result.rps)} req/s`);
        check(result.non2xx === 0, `${scenario.name}: ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodes)})`);
        check(result.errors === 0, `${scenario.name}: ${result.errors} connection errors`);
        check(result.requests > 0, `${scenario.name}: no request completed`);
        await settle(result);
        await scenario.after?.();
      }
    }
  } finally {
    for (const floor of floors) await floor.close();
    await store.close();
  }

  if (rows.length > 0) {
    console.log(`\n${formatTable(rows)}\n`);
    // Other work on the machine moves every row; the two ceiling rows and this show how much.
    log(`load average at the end: ${loadavg().map((n) => n.toFixed(2)).join(' ')} (${availableParallelism()} cores)`);
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

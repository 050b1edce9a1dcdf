import { startStore } from './store';
const store = await startStore({ products: 1000, buyers: 2, spread: 10, log: console.log, cpuProfileDir: process.env.PROF });
const t = store.buyers[0]!.token;
async function time(name: string, url: string, init: RequestInit = {}) {
  const times: number[] = [];
  let status = 0; let text = '';
  for (let i = 0; i < Number(process.env.N ?? 20); i++) {
    const s = performance.now();
    const r = await fetch(url, init);
    text = await r.text(); status = r.status;
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  console.log(name, status, 'median', times[10]!.toFixed(1), 'ms', text.slice(0, 120));
}
const auth = { authorization: `Bearer ${t}` };
await time('me', `${store.cached.url}/api/auth/me`, { headers: auth });
await time('cart', `${store.cached.url}/api/cart`, { headers: auth });
await time('trpc', `${store.cached.url}/trpc/products.list?input=${encodeURIComponent('{"limit":10}')}`);
await time('order', `${store.cached.url}/api/orders`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ items: [{ productId: store.hot, quantity: 1 }] }) });
await time('additem', `${store.cached.url}/api/cart/items`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ productId: store.hot, quantity: 1 }) });
await store.close();
process.exit(0);

/** The 200 list and 200 search paths the uncached scenarios (main.ts) and the probe cycle through. */
export function catalogShapes(categoryIds: number[]): { lists: string[]; searches: string[] } {
  const sorts = ['newest', 'price_asc', 'price_desc', 'name'];
  const words = ['walnut', 'copper', 'linen', 'ceramic', 'wool', 'bamboo', 'steel', 'leather', 'cotton', 'glass', 'oak', 'marble'];
  const things = ['lamp', 'chair', 'mug', 'backpack', 'jacket', 'speaker', 'kettle', 'notebook', 'blanket', 'watch', 'bottle', 'planter', 'desk', 'scarf'];
  const lists: string[] = [];
  const searches: string[] = [];
  for (let i = 0; i < 200; i++) {
    const params = new URLSearchParams({ limit: String([10, 20, 50][i % 3]), sort: sorts[i % 4]! });
    if (i % 2 === 0) params.set('categoryId', String(categoryIds[i % categoryIds.length]));
    if (i % 5 === 1) params.set('minPriceCents', String(1000 * (i % 7)));
    if (i % 5 === 1) params.set('maxPriceCents', String(1000 * (i % 7) + 20_000));
    if (i % 3 === 2) params.set('inStock', 'true');
    params.set('page', String(1 + (i % 5)));
    lists.push(`/api/products?${params}`);
    const q = i % 4 === 3 ? `${words[i % 12]} ${things[(i * 7) % 14]}` : i % 4 === 2 ? things[i % 14]! : words[i % 12]!;
    const search = new URLSearchParams({ q, limit: '10', sort: sorts[(i + 1) % 4]! });
    if (i % 3 === 0) search.set('inStock', 'true');
    if (i % 4 === 1) search.set('categoryId', String(categoryIds[i % categoryIds.length]));
    searches.push(`/api/products?${search}`);
  }
  return { lists, searches };
}
/** What staff type into ⌘K: parts of names and emails, product words, order numbers, and misses. */
export function paletteQueries(): string[] {
  const typed = ['ada', 'hopper', 'grace.h', 'torvalds', 'inbox', 'shop.test', 'lamarr', 'sophie', 'wilson.1', 'ken thompson', 'lamp', 'walnut chair', 'mug', 'syn-4243-1', 'zzqx', 'example.com', '#42', '1042', '99999', 'backus'];
  return Array.from({ length: 200 }, (_, i) => {
    const q = typed[i % typed.length]!;
    return `/trpc/reports.search?input=${encodeURIComponent(JSON.stringify({ q: i < typed.length ? q : `${q}${i % 3 === 0 ? '' : String(i % 10)}`, limit: 5 }))}`;
  });
}

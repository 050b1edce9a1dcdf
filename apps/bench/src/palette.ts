/** What staff type into ⌘K: parts of names and emails, product words, order numbers, and misses. */
export function paletteQueries(): string[] {
  const typed = ['ada', 'hopper', 'grace.h', 'torvalds', 'inbox', 'shop.test', 'lamarr', 'sophie', 'wilson.1', 'ken thompson', 'lamp', 'walnut chair', 'mug', 'syn-4243-1', 'zzqx', 'example.com', '#42', '1042', '99999', 'backus'];
  return Array.from({ length: 200 }, (_, i) => {
    const q = typed[i % typed.length]!;
    return `/trpc/reports.search?input=${encodeURIComponent(JSON.stringify({ q: i < typed.length ? q : `${q}${i % 3 === 0 ? '' : String(i % 10)}`, limit: 5 }))}`;
  });
}

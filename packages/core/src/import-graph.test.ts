import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Domains depend one way (ARCHITECTURE.md): cart → orders → catalog, payments → orders;
// orders and cart → pricing.
// When orders need payments (a refund on cancel), they go through `deps.orderPayments`.
// `cache` is infrastructure any domain may use; it imports no domain. `media` (product images)
// sits on top of the catalog.
// `audit` (the trail of staff changes, and the actor type it shares with orders) likewise.
const infrastructure = ['cache', 'live', 'audit'];
const mayImport: Record<string, readonly string[]> = {
  catalog: [...infrastructure],
  // A customer's address book: orders and checkout copy an address from it.
  addresses: [...infrastructure],
  // Coupons, shipping methods, tax rates and the one pricing function: orders and carts price with it.
  pricing: [...infrastructure],
  orders: ['catalog', 'addresses', 'pricing', ...infrastructure],
  cart: ['orders', 'catalog', 'addresses', 'pricing', ...infrastructure],
  payments: ['orders', 'catalog', ...infrastructure],
  auth: [...infrastructure],
  // The customer's own account: profile, password, closing it (which clears what the domains below keep of them).
  account: ['auth', 'catalog', ...infrastructure],
  cache: [],
  live: [],
  audit: [],
  media: ['catalog', ...infrastructure],
  // Saved products and product reviews sit on top of the catalog (reviews move its cached ratings).
  wishlist: ['catalog', ...infrastructure],
  reviews: ['catalog', ...infrastructure],
  // Back-office figures read across the store; nothing imports them.
  reports: ['orders', 'catalog', 'auth', ...infrastructure],
  // Emails and webhooks read orders and stock; the domains tell of their events through the
  // outbox (src/outbox.ts), never by importing this one.
  notifications: ['orders', 'catalog', ...infrastructure],
  // The sample store for a fresh start and for measuring; nothing imports it.
  seed: ['catalog', ...infrastructure],
};

const root = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top folder under src/ a path sits in, or null for src/'s own files (deps, errors, …). */
function domainOf(path: string): string | null {
  const parts = relative(root, path).split(sep);
  return parts.length > 1 ? parts[0]! : null;
}

/** Every edge `file → domain` from relative imports (static, dynamic and `import type` alike). */
function edges(): Array<{ file: string; from: string | null; to: string; typeOnly: boolean }> {
  return sourceFiles(root).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
    const found: Array<{ file: string; from: string | null; to: string; typeOnly: boolean }> = [];
    const visit = (node: ts.Node) => {
      let specifier: string | undefined;
      let typeOnly = false;
      if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        specifier = node.moduleSpecifier.text;
        typeOnly = ts.isImportDeclaration(node) ? Boolean(node.importClause?.isTypeOnly) : node.isTypeOnly;
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [argument] = node.arguments;
        if (argument && ts.isStringLiteral(argument)) specifier = argument.text;
      }
      if (specifier?.startsWith('.')) {
        const to = domainOf(resolve(dirname(file), specifier));
        if (to) found.push({ file: relative(root, file), from: domainOf(file), to, typeOnly });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
  });
}

type Edge = ReturnType<typeof edges>[number];

/** Edges from a domain to a domain it may not import. */
const upward = (list: Edge[]) =>
  list.filter(({ from, to }) => from !== null && from !== to && !mayImport[from]?.includes(to)).map(({ file, to }) => `${file} → ${to}`);

describe('the import graph of packages/core/src', () => {
  const all = edges();

  it('has domains import only the domains below them', () => {
    expect(upward(all)).toEqual([]);
  });

  it('knows every domain folder, so a new one must be placed in the order', () => {
    const domains = new Set(all.flatMap(({ from, to }) => (from ? [from, to] : [to])));
    expect([...domains].filter((domain) => !(domain in mayImport))).toEqual([]);
  });

  it('has shared modules import no domain, except types in deps.ts and the package entry points (index, schemas, testing)', () => {
    const wrong = all
      .filter(({ from, file, typeOnly }) => from === null && !['index.ts', 'schemas.ts', 'testing.ts'].includes(file) && !(file === 'deps.ts' && typeOnly))
      .map(({ file, to }) => `${file} → ${to}`);
    expect(wrong).toEqual([]);
  });

  it('catches the circle it replaced (orders → payments) and the other upward edges', () => {
    expect(all.some(({ from, to }) => from === 'payments' && to === 'orders')).toBe(true);
    const edge = (from: string, to: string): Edge => ({ file: `${from}/x.ts`, from, to, typeOnly: false });
    expect(upward([edge('orders', 'payments'), edge('catalog', 'orders'), edge('orders', 'cart'), edge('payments', 'cart')])).toHaveLength(4);
    expect(upward([edge('payments', 'orders'), edge('cart', 'orders'), edge('orders', 'catalog')])).toEqual([]);
  });
});

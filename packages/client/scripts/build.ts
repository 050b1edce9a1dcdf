/**
 * Builds dist/: index.js and index.d.ts compiled from src/index.ts, and router.d.ts, the
 * router's types printed in full.
 *
 * `typeof appRouter` names the server's context, Drizzle and zod types, so a declaration
 * bundler would ship them (or import them from packages a consumer does not have). Instead
 * the compiler resolves every procedure's input, output and error shape to plain structural
 * types, printed here under tRPC's own router types: the consumer needs only @trpc/client
 * (and its peer @trpc/server, for those router types).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

function compilerOptions(): ts.CompilerOptions {
  const configPath = `${root}tsconfig.json`;
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

/** Prints a type as plain TypeScript: objects, arrays, unions, literals; never a name from a package. */
class TypePrinter {
  private readonly visiting = new Set<ts.Type>();

  constructor(
    private readonly checker: ts.TypeChecker,
    private readonly program: ts.Program,
    /** Types printed by name instead (declared once at the top of the file). */
    private readonly named: Map<ts.Type, string>,
  ) {}

  print(type: ts.Type, indent: string, where: string): string {
    const name = this.named.get(type);
    if (name) return name;
    const { flags } = type;
    const F = ts.TypeFlags;
    if (flags & (F.String | F.Number | F.Boolean | F.BigInt | F.Null | F.Undefined | F.Void | F.Never | F.Unknown | F.Any)) {
      return this.checker.typeToString(type);
    }
    if (flags & (F.StringLiteral | F.NumberLiteral | F.BooleanLiteral | F.BigIntLiteral)) return this.checker.typeToString(type);
    if (type.isUnion()) return this.union(type, indent, where);
    if (type.isIntersection()) return type.types.map((t) => this.wrap(t, indent, where)).join(' & ');
    if (flags & F.NonPrimitive) return 'object';
    if (flags & F.Object) return this.object(type as ts.ObjectType, indent, where);
    throw new Error(`${where}: cannot print ${this.checker.typeToString(type)} (type flags ${flags})`);
  }

  private union(type: ts.UnionType, indent: string, where: string): string {
    const members = type.types;
    const isTrue = (t: ts.Type) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'true';
    const isFalse = (t: ts.Type) => t.flags & ts.TypeFlags.BooleanLiteral && this.checker.typeToString(t) === 'false';
    const hasBoolean = members.some(isTrue) && members.some(isFalse);
    const nullish = (text: string) => (text === 'null' || text === 'undefined' ? 1 : 0);
    // The compiler orders members by its internal ids, which vary between runs: sorted, the
    // same router always prints the same file.
    const printed = members
      .filter((t) => !(hasBoolean && (isTrue(t) || isFalse(t))))
      .map((t) => this.wrap(t, indent, where))
      .sort((a, b) => nullish(a) - nullish(b) || a.localeCompare(b, 'en'));
    return [...(hasBoolean ? ['boolean'] : []), ...printed].join(' | ');
  }

  /** A member of a union or intersection, parenthesised when it is itself one. */
  private wrap(type: ts.Type, indent: string, where: string): string {
    const text = this.print(type, indent, where);
    return (type.isUnion() || type.isIntersection()) && !this.named.has(type) ? `(${text})` : text;
  }

  private object(type: ts.ObjectType, indent: string, where: string): string {
    if (this.visiting.has(type)) throw new Error(`${where}: a recursive type (${this.checker.typeToString(type)})`);
    this.visiting.add(type);
    try {
      if (this.checker.isTupleType(type)) {
        const items = this.checker.getTypeArguments(type as ts.TypeReference).map((t) => this.print(t, indent, where));
        return `[${items.join(', ')}]`;
      }
      if (this.checker.isArrayType(type)) {
        const [item] = this.checker.getTypeArguments(type as ts.TypeReference);
        const readonly = type.symbol?.name === 'ReadonlyArray' ? 'readonly ' : '';
        return `${readonly}Array<${this.print(item!, indent, where)}>`;
      }
      if (this.isStandardLibrary(type)) return this.checker.typeToString(type);
      if (type.getCallSignatures().length || type.getConstructSignatures().length) {
        throw new Error(`${where}: functions cannot cross the wire (${this.checker.typeToString(type)})`);
      }
      return this.members(type, indent, where);
    } finally {
      this.visiting.delete(type);
    }
  }

  /** Date and the like: global types every consumer's compiler has. */
  private isStandardLibrary(type: ts.ObjectType): boolean {
    const declarations = type.symbol?.declarations ?? [];
    return (
      declarations.length > 0 &&
      declarations.every((d) => this.program.isSourceFileDefaultLibrary(d.getSourceFile())) &&
      this.checker.getTypeArguments(type as ts.TypeReference).length === 0
    );
  }

  private members(type: ts.ObjectType, indent: string, where: string): string {
    const inner = `${indent}  `;
    const lines: string[] = [];
    for (const info of this.checker.getIndexInfosOfType(type)) {
      const key = this.print(info.keyType, inner, where);
      lines.push(`${inner}[key: ${key}]: ${this.print(info.type, inner, `${where}[${key}]`)};`);
    }
    for (const property of this.checker.getPropertiesOfType(type)) {
      const name = property.getName();
      if (name.startsWith('__@')) throw new Error(`${where}: a symbol-keyed property (${name})`);
      const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
      const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
      const value = this.print(this.checker.getTypeOfSymbol(property), inner, `${where}.${name}`);
      lines.push(`${inner}${key}${optional}: ${value};`);
    }
    return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
  }
}

const kinds = { query: 'TRPCQueryProcedure', mutation: 'TRPCMutationProcedure', subscription: 'TRPCSubscriptionProcedure' };

/** The text of dist/router.d.ts. */
function routerDeclarations(program: ts.Program): string {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(`${root}src/router.ts`)!;
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
  const alias = exported.find((s) => s.name === 'AppRouter')!;
  const routerType = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(alias));
  const property = (type: ts.Type, name: string) => {
    const symbol = type.getProperty(name);
    if (!symbol) throw new Error(`no ${name} on ${checker.typeToString(type)}`);
    return checker.getTypeOfSymbol(symbol);
  };

  const rootTypes = property(property(property(routerType, '_def'), '_config'), '$types');
  const errorShape = property(rootTypes, 'errorShape');
  const printer = new TypePrinter(checker, program, new Map([[errorShape, 'ErrorShape']]));

  const used = new Set<string>();
  const record = (type: ts.Type, indent: string, path: string): string => {
    const inner = `${indent}  `;
    const entries = checker.getPropertiesOfType(type).map((symbol) => {
      const value = checker.getTypeOfSymbol(symbol);
      const at = path ? `${path}.${symbol.name}` : symbol.name;
      const def = value.getProperty('_def') && property(value, '_def');
      if (!def?.getProperty('procedure')) return `${inner}${symbol.name}: ${record(value, inner, at)};`;
      const kind = checker.typeToString(property(def, 'type')).replace(/"/g, '') as keyof typeof kinds;
      // Subscriptions (the staff live feed) need an SSE link this client does not set up;
      // storefronts follow stock through GET /api/events/stock instead.
      if (kind === 'subscription') return null;
      used.add(kinds[kind]);
      const types = property(def, '$types');
      const procedureErrors = property(types, 'errorShape');
      const deeper = `${inner}  `;
      const fields = [
        `${deeper}input: ${printer.print(property(types, 'input'), deeper, `${at} input`)};`,
        `${deeper}output: ${printer.print(property(types, 'output'), deeper, `${at} output`)};`,
        `${deeper}errorShape: ${printer.print(procedureErrors, deeper, `${at} errors`)};`,
        `${deeper}meta: object;`,
      ];
      return `${inner}${symbol.name}: ${kinds[kind]}<{\n${fields.join('\n')}\n${inner}}>;`;
    });
    return `{\n${entries.filter((entry) => entry !== null).join('\n')}\n${indent}}`;
  };

  const procedures = record(property(property(routerType, '_def'), 'record'), '', '');
  return [
    '// Generated by scripts/build.ts from the server\'s routers. Do not edit.',
    `import type { ${['TRPCBuiltRouter', ...[...used].sort(), 'inferRouterInputs', 'inferRouterOutputs'].join(', ')} } from '@trpc/server';`,
    '',
    '/** The body of every error the server answers (`TRPCClientError#shape`; `data` is also `TRPCClientError#data`). */',
    `export type ErrorShape = ${new TypePrinter(checker, program, new Map()).print(errorShape, '', 'errorShape')};`,
    '',
    '/** The server\'s router, as a client sees it: each procedure\'s input, output and errors. */',
    'export type AppRouter = TRPCBuiltRouter<',
    '  { ctx: object; meta: object; errorShape: ErrorShape; transformer: false },',
    `  ${procedures.replace(/\n/g, '\n  ')}`,
    '>;',
    '',
    'export type RouterInputs = inferRouterInputs<AppRouter>;',
    'export type RouterOutputs = inferRouterOutputs<AppRouter>;',
    '',
  ].join('\n');
}

function build() {
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const program = ts.createProgram([`${root}src/index.ts`], {
    ...compilerOptions(),
    noEmit: false,
    declaration: true,
    outDir: dist,
    rootDir: `${root}src`,
    types: [],
    sourceMap: false,
  });
  // The package's own files only: the server's are checked by its typecheck, and checking
  // them all here would triple the build's time.
  const own = [`${root}src/index.ts`, `${root}src/router.ts`].map((file) => program.getSourceFile(file));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...own.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
  ];
  if (diagnostics.length) {
    throw new Error(ts.formatDiagnostics(diagnostics, ts.createCompilerHost({})));
  }
  const index = program.getSourceFile(`${root}src/index.ts`);
  // Only index.*: router.ts re-exports the server's types and is replaced by the printed ones.
  const emitted = program.emit(index, (file, text) => writeFileSync(file, text));
  if (emitted.emitSkipped) throw new Error('emit failed');
  writeFileSync(`${dist}/router.d.ts`, routerDeclarations(program));
}

build();

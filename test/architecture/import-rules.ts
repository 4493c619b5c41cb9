// The layering rules of src/ as code: which folder sits on which level, every import of a set of source files read
// with a real parser, and the imports that break a rule. docs/architecture.md#layers explains the rules.
import { dirname, join, relative } from 'node:path';
import { parseAst } from 'vite';

/** Top to bottom. A folder of src/, or a file directly in it. An import may point to its own unit or to a lower level. */
export const LAYERS: readonly (readonly string[])[] = [
  ['cli'],
  ['shuttle.ts'],
  ['http'],
  ['runtime.ts'],
  ['flows', 'gateway'],
  ['auth', 'metering'],
  ['cache'],
  ['store'],
  ['config', 'errors', 'network', 'domain'],
];

/** The imports allowed between two folders of one level, each in one direction only. */
export const PEER_IMPORTS: readonly string[] = ['flows → gateway', 'network → config', 'network → errors'];

/** What src/domain/ may import besides itself: it holds shapes and pure functions, so no I/O and nothing of src/. */
export const DOMAIN_PACKAGES: readonly string[] = ['zod'];

export interface SourceFile {
  /** Relative to the repository, e.g. `src/store/database.ts`. */
  path: string;
  text: string;
}

export interface Import {
  from: string;
  line: number;
  specifier: string;
  /** The imported file relative to the repository; undefined for a package or a Node built-in. */
  target: string | undefined;
}

const IMPORTING_NODES = new Set([
  'ImportDeclaration',
  'ExportAllDeclaration',
  'ExportNamedDeclaration',
  'ImportExpression',
  'TSImportType',
]);

/** Every static import and re-export, `import()` and `typeof import()` of a file, types included. */
export function importsOf(file: SourceFile): Import[] {
  const found: Import[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const { type, source } = node as { type?: string; source?: unknown };
    const literal =
      type === 'TSExternalModuleReference'
        ? (node as { expression: unknown }).expression
        : type !== undefined && IMPORTING_NODES.has(type)
          ? source
          : null;
    if (literal !== null && literal !== undefined) {
      const { value, start } = literal as { value: unknown; start: number };
      if (typeof value !== 'string')
        throw new Error(`${file.path}: an import whose module is computed (${type}); name the module literally`);
      found.push({ from: file.path, line: lineAt(file.text, start), specifier: value, target: resolveSpecifier(file.path, value) });
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(parseAst(file.text, { lang: 'ts' }, file.path));
  return found;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative('.', join(dirname(from), specifier)).replace(/\.js$/, '.ts');
}

/** The unit of src/ a file belongs to: `src/store/ids.ts` → `store`, `src/runtime.ts` → `runtime.ts`. */
export function unitOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 2) return undefined;
  return parts[1];
}

function levelOf(unit: string): number {
  return LAYERS.findIndex((level) => level.includes(unit));
}

/** One line per broken rule, naming the file, the line and the import. Empty when every rule holds. */
export function layerViolations(files: readonly SourceFile[]): string[] {
  const problems: string[] = [];
  const imports = files.flatMap(importsOf);
  for (const file of files) {
    const unit = unitOf(file.path);
    if (unit === undefined || levelOf(unit) === -1)
      problems.push(`${file.path} is in no layer: add ${unit ?? 'its folder'} to LAYERS and to docs/architecture.md`);
  }
  for (const edge of imports) {
    const at = `${edge.from}:${edge.line} imports '${edge.specifier}'`;
    const from = unitOf(edge.from) as string;
    if (from === 'domain') {
      const allowed = edge.target === undefined ? DOMAIN_PACKAGES.includes(edge.specifier) : unitOf(edge.target) === 'domain';
      if (!allowed)
        problems.push(`${at}: src/domain/ holds shapes and pure functions and imports only itself and ${DOMAIN_PACKAGES.join(', ')}`);
      continue;
    }
    if (edge.target === undefined) continue;
    const to = unitOf(edge.target);
    if (to === undefined) {
      problems.push(`${at}: outside src/`);
      continue;
    }
    if (to === from || levelOf(from) === -1 || levelOf(to) === -1) continue;
    if (levelOf(to) < levelOf(from))
      problems.push(`${at}: ${to} is above ${from}; an import only points down (move the shared part down, e.g. to src/domain/)`);
    else if (levelOf(to) === levelOf(from) && !PEER_IMPORTS.includes(`${from} → ${to}`)) {
      problems.push(`${at}: ${from} and ${to} are on one level and '${from} → ${to}' is not in PEER_IMPORTS`);
    }
  }
  const byFolder = new Map<string, Set<string>>();
  const byFile = new Map<string, Set<string>>();
  for (const edge of imports) {
    if (edge.target === undefined) continue;
    addEdge(byFile, edge.from, edge.target);
    const [from, to] = [unitOf(edge.from), unitOf(edge.target)];
    if (from !== undefined && to !== undefined && from !== to) addEdge(byFolder, from, to);
  }
  for (const cycle of cycles(byFolder)) problems.push(`folders that import each other (a cycle): ${cycle.join(', ')}`);
  for (const cycle of cycles(byFile)) problems.push(`files that import each other (a cycle): ${cycle.join(', ')}`);
  return problems;
}

function addEdge(graph: Map<string, Set<string>>, from: string, to: string): void {
  const targets = graph.get(from) ?? new Set<string>();
  targets.add(to);
  graph.set(from, targets);
}

/** The groups of nodes that reach each other (Tarjan's strongly connected components), one per cycle or knot of cycles. */
export function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.has(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return found;
}

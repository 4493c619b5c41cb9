// `npm run bench:levels-perf` (bench/levels-perf.sh) → where a request's CPU time goes at the request log's levels
// `full` and `metadata`, by thread and by symbol. It reads `perf script -F tid,ip,sym -G` of one Shuttle process sampled
// while it served each level in turn. The leaf symbol of each sample is counted, and a count becomes µs per request
// as samples × (1 s ÷ sampling frequency) ÷ requests served.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { isProcessEntry } from './process-entry.js';

/** Samples by thread id, then by leaf symbol. */
export type LeafCounts = Map<number, Map<string, number>>;

/** One level's samples, and the requests served while they were taken. */
export interface LevelSamples {
  counts: LeafCounts;
  requests: number;
}

export type SymbolKind =
  | 'kernel'
  | 'SQLite'
  | 'FTS5'
  | 'brotli'
  | 'garbage collection'
  | 'libc memory'
  | 'V8, JavaScript, bindings'
  | 'other';

/** µs per request at `full` and at `metadata`. */
export interface Difference {
  name: string;
  full: number;
  metadata: number;
}

export interface ThreadComparison {
  label: string;
  total: Difference;
  kinds: Difference[];
  /** Largest differences first. */
  symbols: Difference[];
}

export interface LevelComparison {
  /** The main thread, the busiest other thread (in Shuttle, the writer), and every other thread together. */
  threads: [ThreadComparison, ThreadComparison, Difference];
}

/** A line is a sample: its thread id, its address, and its symbol (which may hold spaces: V8's names of JS functions). */
const SAMPLE = /^\s*(\d+)\s+([0-9a-f]+)\s+(.*)$/;
/** The kernel's addresses, in the top half of a 64-bit address space. */
const KERNEL_ADDRESS = /^ffff[0-9a-f]{12}$/;
/** How a kernel symbol is named in the counts, apart from user-space symbols of the same name. */
export const KERNEL_PREFIX = '[k] ';

export function countLeaves(script: string): LeafCounts {
  const counts: LeafCounts = new Map();
  for (const line of script.split('\n')) {
    const match = SAMPLE.exec(line);
    if (match === null) continue;
    const tid = Number(match[1]);
    const name = (match[3] as string).trim() || '[unknown]';
    const symbol = KERNEL_ADDRESS.test(match[2] as string) ? KERNEL_PREFIX + name : name;
    let symbols = counts.get(tid);
    if (symbols === undefined) {
      symbols = new Map();
      counts.set(tid, symbols);
    }
    symbols.set(symbol, (symbols.get(symbol) ?? 0) + 1);
  }
  return counts;
}

const KINDS: readonly [SymbolKind, RegExp][] = [
  ['FTS5', /fts5/i],
  ['SQLite', /sqlite3|btree|pcache|pager|^wal[A-Z]|vdbe|balance_|insertCell|fillInCell|getAndInitPage|cellSize/],
  ['brotli', /brotli|BuildAndStore|StoreMeta|EmitInsertLen|EmitCopyLen/i],
  ['garbage collection', /Scaveng|MarkCompact|Sweeper|Evacuat|ConcurrentMark|MarkingVisitor|heap::|Heap::Collect|MemoryAllocator/],
  ['libc memory', /^(__)?mem(move|cpy|set|cmp|chr)|malloc|^(c)?free|_int_|realloc|^tcache/],
  ['V8, JavaScript, bindings', /^JS:|^Builtins_|^RegExp:|v8::|node::|^uv_|^uv__|Binder::|Statement::|Database::/],
];

/** What kind of code a symbol (as countLeaves() names it) is. */
export function symbolKind(symbol: string): SymbolKind {
  if (symbol.startsWith(KERNEL_PREFIX)) return 'kernel';
  for (const [kind, pattern] of KINDS) if (pattern.test(symbol)) return kind;
  return 'other';
}

function threadTotal(symbols: Map<string, number> | undefined): number {
  let total = 0;
  for (const count of symbols?.values() ?? []) total += count;
  return total;
}

function perRequest(samples: number, level: LevelSamples, frequencyHz: number): number {
  return (samples * 1e6) / frequencyHz / level.requests;
}

function compareThread(
  label: string,
  full: Map<string, number> | undefined,
  metadata: Map<string, number> | undefined,
  levels: { full: LevelSamples; metadata: LevelSamples },
  frequencyHz: number,
): ThreadComparison {
  const difference = (name: string, fullSamples: number, metadataSamples: number): Difference => ({
    name,
    full: perRequest(fullSamples, levels.full, frequencyHz),
    metadata: perRequest(metadataSamples, levels.metadata, frequencyHz),
  });
  const names = new Set([...(full?.keys() ?? []), ...(metadata?.keys() ?? [])]);
  const kindSamples = new Map<SymbolKind, [number, number]>();
  const symbols: Difference[] = [];
  for (const name of names) {
    const fullSamples = full?.get(name) ?? 0;
    const metadataSamples = metadata?.get(name) ?? 0;
    symbols.push(difference(name, fullSamples, metadataSamples));
    const kind = symbolKind(name);
    const sums = kindSamples.get(kind) ?? [0, 0];
    kindSamples.set(kind, [sums[0] + fullSamples, sums[1] + metadataSamples]);
  }
  const gap = (item: Difference): number => Math.abs(item.full - item.metadata);
  symbols.sort((a, b) => gap(b) - gap(a) || a.name.localeCompare(b.name));
  const kinds = [...kindSamples].map(([kind, [fullSamples, metadataSamples]]) => difference(kind, fullSamples, metadataSamples));
  kinds.sort((a, b) => gap(b) - gap(a) || a.name.localeCompare(b.name));
  return { label, total: difference(label, threadTotal(full), threadTotal(metadata)), kinds, symbols };
}

/**
 * The two levels compared per thread: the main thread (`mainTid`, the process's own id), the busiest other thread over
 * both levels, and the rest.
 */
export function compareLevels(full: LevelSamples, metadata: LevelSamples, frequencyHz: number, mainTid: number): LevelComparison {
  const levels = { full, metadata };
  const others = new Map<number, number>();
  for (const counts of [full.counts, metadata.counts])
    for (const [tid, symbols] of counts) if (tid !== mainTid) others.set(tid, (others.get(tid) ?? 0) + threadTotal(symbols));
  const busiest = [...others].sort((a, b) => b[1] - a[1])[0]?.[0];
  const restSamples = (level: LevelSamples): number => {
    let total = 0;
    for (const [tid, symbols] of level.counts) if (tid !== mainTid && tid !== busiest) total += threadTotal(symbols);
    return total;
  };
  return {
    threads: [
      compareThread('main thread', full.counts.get(mainTid), metadata.counts.get(mainTid), levels, frequencyHz),
      compareThread(
        `busiest other thread (${busiest ?? 'none'})`,
        busiest === undefined ? undefined : full.counts.get(busiest),
        busiest === undefined ? undefined : metadata.counts.get(busiest),
        levels,
        frequencyHz,
      ),
      {
        name: 'every other thread',
        full: perRequest(restSamples(full), full, frequencyHz),
        metadata: perRequest(restSamples(metadata), metadata, frequencyHz),
      },
    ],
  };
}

function row({ name, full, metadata }: Difference): string {
  const extra = full - metadata;
  const sign = extra >= 0 ? '+' : '';
  return `${(sign + extra.toFixed(2)).padStart(8)}${full.toFixed(2).padStart(9)}${metadata.toFixed(2).padStart(9)}  ${name}`;
}

export function formatComparison(comparison: LevelComparison, top: number): string {
  const [main, busiest, rest] = comparison.threads;
  const header = `${'extra'.padStart(8)}${'full'.padStart(9)}${'metadata'.padStart(9)}  (µs per request)`;
  const lines = ['Threads', header, row(main.total), row(busiest.total), row(rest)];
  for (const thread of [main, busiest]) {
    lines.push('', `${thread.label}: by kind of code`, header, ...thread.kinds.map(row));
    lines.push('', `${thread.label}: the ${top} symbols that differ most`, header, ...thread.symbols.slice(0, top).map(row));
  }
  return lines.join('\n');
}

/** `--full <perf script file>:<requests>` → its samples. */
function levelArgument(name: string, value: string | undefined): LevelSamples {
  const at = value?.lastIndexOf(':') ?? -1;
  const requests = Number(value?.slice(at + 1));
  if (value === undefined || at < 1 || !Number.isInteger(requests) || requests < 1)
    throw new Error(`--${name} must be <perf script output>:<requests served>`);
  return { counts: countLeaves(readFileSync(value.slice(0, at), 'utf8')), requests };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      full: { type: 'string' },
      metadata: { type: 'string' },
      frequency: { type: 'string' },
      main: { type: 'string' },
      top: { type: 'string', default: '25' },
    },
  });
  const frequency = Number(values.frequency);
  const mainTid = Number(values.main);
  if (!(frequency > 0) || !Number.isInteger(mainTid)) throw new Error('--frequency <Hz> and --main <the process id> are needed');
  const comparison = compareLevels(levelArgument('full', values.full), levelArgument('metadata', values.metadata), frequency, mainTid);
  process.stdout.write(`${formatComparison(comparison, Number(values.top))}\n`);
}

if (isProcessEntry(import.meta.url)) main();

import { describe, expect, it } from 'vitest';
import { compareLevels, countLeaves, formatComparison, KERNEL_PREFIX, symbolKind } from '../../bench/perf-leaves.js';

// The arithmetic of `npm run bench:levels-perf`, on made-up `perf script -F tid,ip,sym -G` output: samples counted by
// thread and leaf symbol, turned into µs per request, and compared thread by thread.
function script(samples: [tid: number, address: string, symbol: string, times: number][]): string {
  return samples.flatMap(([tid, address, symbol, times]) => Array.from({ length: times }, () => `${tid}  ${address} ${symbol}`)).join('\n');
}

const MAIN = 100;
const WRITER = 120;
const HELPER = 105;

describe('perf leaves', () => {
  it('counts each sample by thread and leaf symbol, kernel symbols apart, names with spaces whole', () => {
    const counts = countLeaves(
      `${script([
        [MAIN, '7fd6b830a12a', 'JS:*packEvents file:///work/main/dist/domain/packed-stream.js:40:27', 3],
        [MAIN, 'ffffffff815c88fe', 'tcp_ack', 2],
        [WRITER, '18b42b5', 'sqlite3Fts5HashWrite', 1],
      ])}\n\nnot a sample\n`,
    );
    expect(counts.get(MAIN)?.get('JS:*packEvents file:///work/main/dist/domain/packed-stream.js:40:27')).toBe(3);
    expect(counts.get(MAIN)?.get(`${KERNEL_PREFIX}tcp_ack`)).toBe(2);
    expect(counts.get(WRITER)?.get('sqlite3Fts5HashWrite')).toBe(1);
    expect(counts.size).toBe(2);
  });

  it('tells the kinds of code apart', () => {
    expect(symbolKind(`${KERNEL_PREFIX}_raw_spin_unlock_irqrestore`)).toBe('kernel');
    expect(symbolKind('sqlite3Fts5HashWrite')).toBe('FTS5');
    expect(symbolKind('sqlite3VdbeExec')).toBe('SQLite');
    expect(symbolKind('BrotliCompressFragmentFastImpl15')).toBe('brotli');
    expect(symbolKind('v8::internal::ScavengerCollector::CollectGarbage')).toBe('garbage collection');
    expect(symbolKind('__memmove_avx_unaligned_erms')).toBe('libc memory');
    expect(symbolKind('Builtins_LoadIC')).toBe('V8, JavaScript, bindings');
    expect(symbolKind('JS:*get node:_http_incoming:109:16')).toBe('V8, JavaScript, bindings');
    expect(symbolKind('[unknown]')).toBe('other');
  });

  it('turns samples into µs per request and compares the main thread, the busiest other thread and the rest', () => {
    // 1,000 Hz: a sample is 1,000 µs. `full` served 100 requests, `metadata` 200.
    const full = {
      requests: 100,
      counts: countLeaves(
        script([
          [MAIN, '1', 'JS:*packEvents', 10],
          [MAIN, '2', 'Builtins_LoadIC', 40],
          [WRITER, '3', 'sqlite3Fts5HashWrite', 5],
          [WRITER, '4', 'sqlite3VdbeExec', 10],
          [HELPER, '5', 'v8::internal::Sweeper::SweepSpace', 2],
        ]),
      ),
    };
    const metadata = {
      requests: 200,
      counts: countLeaves(
        script([
          [MAIN, '2', 'Builtins_LoadIC', 80],
          [WRITER, '4', 'sqlite3VdbeExec', 16],
          [HELPER, '5', 'v8::internal::Sweeper::SweepSpace', 2],
        ]),
      ),
    };
    const [main, writer, rest] = compareLevels(full, metadata, 1000, MAIN).threads;
    expect(main.total).toEqual({ name: 'main thread', full: 500, metadata: 400 });
    expect(main.symbols[0]).toEqual({ name: 'JS:*packEvents', full: 100, metadata: 0 });
    expect(main.symbols[1]).toEqual({ name: 'Builtins_LoadIC', full: 400, metadata: 400 });
    expect(writer.label).toBe(`busiest other thread (${WRITER})`);
    expect(writer.total).toMatchObject({ full: 150, metadata: 80 });
    expect(writer.kinds).toEqual([
      { name: 'FTS5', full: 50, metadata: 0 },
      { name: 'SQLite', full: 100, metadata: 80 },
    ]);
    expect(rest).toEqual({ name: 'every other thread', full: 20, metadata: 10 });
    const report = formatComparison(compareLevels(full, metadata, 1000, MAIN), 1);
    expect(report).toContain('+100.00   500.00   400.00  main thread');
    expect(report).toContain('+50.00    50.00     0.00  FTS5');
    expect(report).not.toContain('Builtins_LoadIC');
  });
});

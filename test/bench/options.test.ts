import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/options.js';
import { type CpuTimes, splitCpuTimes } from '../../bench/process-cpu.js';

describe('benchmark options', () => {
  it('runs the cells --cells names, in its order', () => {
    const options = parseOptions(['--cells', 'stream:32, json:1']);
    expect(options === 'help' ? [] : options.cells).toEqual([
      { mode: 'stream', connections: 32 },
      { mode: 'json', connections: 1 },
    ]);
  });

  it('restarts the two request log levels between rounds only when --restart-level-pair says so', () => {
    const restarts = (argv: string[]) => {
      const options = parseOptions(argv);
      return options === 'help' ? undefined : options.restartLevelPair;
    };
    expect(restarts([])).toBe(false);
    expect(restarts(['--restart-level-pair'])).toBe(true);
  });

  it('refuses a cell that is not mode:connections', () => {
    for (const cells of ['xml:32', 'json', 'json:0', 'json:1.5']) expect(() => parseOptions(['--cells', cells])).toThrow(/--cells/);
  });
});

describe('CPU time by thread', () => {
  const times = (threads: [number, number][]): CpuTimes => ({
    cpuMs: threads.reduce((sum, [, ms]) => sum + ms, 0),
    waitMs: 0,
    threadMs: new Map(threads),
  });

  it('splits it into the main thread, the busiest other thread and the rest', () => {
    const before = times([
      [100, 1_000],
      [101, 50],
      [102, 200],
    ]);
    // Thread 103 started in between: all its time is new.
    const after = times([
      [100, 1_300],
      [101, 60],
      [102, 280],
      [103, 5],
    ]);
    expect(splitCpuTimes(100, before, after)).toEqual({ mainMs: 300, busiestOtherMs: 80, restMs: 15 });
  });
});

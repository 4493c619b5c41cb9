// Preloaded into each target by `npm run bench -- --streams` (node --import, through NODE_OPTIONS): the process's own
// event-loop delay, from perf_hooks.monitorEventLoopDelay, appended once a second as a JSON line to BENCH_LOOP_FILE.
// The same for every target (Shuttle, the bare proxy, Portkey, the upstream) and nothing changed in any of them; the
// cost is one timer at prom-client's resolution (10 ms) and one small append a second. Each line also carries the heap
// in use and Node's active resources by type (sockets, timers…), so that what each open stream holds can be read off,
// and the garbage collector's pauses (a PerformanceObserver of 'gc' entries), which block the loop like any other work.
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

export interface LoopDelaySample {
  pid: number;
  /** Wall-clock ms at the end of the second the sample covers. */
  atMs: number;
  p99Ms: number;
  maxMs: number;
  /** V8 heap in use at the end of the second, and Node's active handles, requests and timers by type. */
  heapUsedKb: number;
  resources: Record<string, number>;
  /** Garbage collections in the second: how many, their total and longest pause, and the longest full (major) one. */
  gcCount: number;
  gcMs: number;
  gcMaxMs: number;
  gcMajorMaxMs: number;
}

export const LOOP_FILE_VARIABLE = 'BENCH_LOOP_FILE';
const REPORT_EVERY_MS = 1000;

function countResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

const file = process.env[LOOP_FILE_VARIABLE];
// NODE_OPTIONS reaches worker threads too (Shuttle's database writer runs in one, src/store/worker-sink.ts), and only
// the main thread serves requests.
if (file !== undefined && file !== '' && isMainThread) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gc = { count: 0, ms: 0, maxMs: 0, majorMaxMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.ms += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.majorMaxMs = Math.max(gc.majorMaxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const report = (): void => {
    const sample: LoopDelaySample = {
      pid: process.pid,
      atMs: Date.now(),
      p99Ms: histogram.percentile(99) / 1e6,
      maxMs: histogram.max / 1e6,
      heapUsedKb: Math.round(process.memoryUsage().heapUsed / 1024),
      resources: countResources(),
      gcCount: gc.count,
      gcMs: gc.ms,
      gcMaxMs: gc.maxMs,
      gcMajorMaxMs: gc.majorMaxMs,
    };
    histogram.reset();
    Object.assign(gc, { count: 0, ms: 0, maxMs: 0, majorMaxMs: 0 });
    try {
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
    } catch {
      // The harness removed its work directory: nothing left to report to.
    }
  };
  // Unref'd: a short command (shuttle bootstrap) exits as it would without the monitor.
  setInterval(report, REPORT_EVERY_MS).unref();
}

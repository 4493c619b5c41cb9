// Preloaded into each target by `npm run bench -- --streams` (node --import, through NODE_OPTIONS): the process's own
// event-loop delay, from perf_hooks.monitorEventLoopDelay, appended once a second as a JSON line to BENCH_LOOP_FILE.
// The same for every target (Shuttle, the bare proxy, Portkey, the upstream) and nothing changed in any of them; the
// cost is one timer at prom-client's resolution (10 ms) and one small append a second.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelaySample {
  pid: number;
  /** Wall-clock ms at the end of the second the sample covers. */
  atMs: number;
  p99Ms: number;
  maxMs: number;
}

export const LOOP_FILE_VARIABLE = 'BENCH_LOOP_FILE';
const REPORT_EVERY_MS = 1000;

const file = process.env[LOOP_FILE_VARIABLE];
if (file !== undefined && file !== '') {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const report = (): void => {
    const sample: LoopDelaySample = {
      pid: process.pid,
      atMs: Date.now(),
      p99Ms: histogram.percentile(99) / 1e6,
      maxMs: histogram.max / 1e6,
    };
    histogram.reset();
    try {
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
    } catch {
      // The harness removed its work directory: nothing left to report to.
    }
  };
  // Unref'd: a short command (shuttle bootstrap) exits as it would without the monitor.
  setInterval(report, REPORT_EVERY_MS).unref();
}

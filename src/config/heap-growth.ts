// How far V8 lets the heap grow past its live data before the next full collection. V8 derives that from the
// machine's memory: on a host with gigabytes free it lets a busy gateway's heap reach several times its live data
// (about 40 MB live, 300 MB resident under load). A fixed factor keeps the process near its live data for no
// measurable CPU (docs/benchmarks.md). `node --heap-growing-percent=N` given by the operator is left alone.
import { setFlagsFromString } from 'node:v8';

const NODE_FLAG = /--heap[-_]growing[-_]percent\b/;

/** The growth Shuttle should set, or null when it is left to V8 (0) or to the operator's own Node flag. */
export function heapGrowthToSet(percent: number, nodeFlags: readonly string[]): number | null {
  if (percent === 0 || nodeFlags.some((flag) => NODE_FLAG.test(flag))) return null;
  return percent;
}

/** Applies the setting to this process (worker threads started afterwards share it); returns what it set. */
export function limitHeapGrowth(percent: number): number | null {
  // Node refuses V8 flags in NODE_OPTIONS, so the command line is the only place the operator can have set it.
  const growth = heapGrowthToSet(percent, process.execArgv);
  if (growth !== null) setFlagsFromString(`--heap-growing-percent=${growth}`);
  return growth;
}

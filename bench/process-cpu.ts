// CPU time a process has used, and time it waited for a CPU, summed over its threads from /proc/<pid>/task/*/schedstat
// (nanoseconds, not tick-sampled): what a request costs, and how much other work on the machine got in the way.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTimes {
  /** Time on a CPU, all threads. */
  cpuMs: number;
  /** Time runnable but waiting for a CPU (busy with someone else's work). */
  waitMs: number;
  /** Time on a CPU by thread id: where it went (the main thread's id is the process's). */
  threadMs: Map<number, number>;
}

/** Undefined when the process is gone or /proc (with schedstat) is not there. */
export function readCpuTimes(pid: number): CpuTimes | undefined {
  try {
    let cpuNs = 0;
    let waitNs = 0;
    const threadMs = new Map<number, number>();
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      let fields: string[];
      try {
        fields = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
      } catch {
        continue; // A thread that ended between the listing and the read.
      }
      cpuNs += Number(fields[0]);
      waitNs += Number(fields[1]);
      threadMs.set(Number(task), Number(fields[0]) / 1e6);
    }
    return Number.isNaN(cpuNs) || Number.isNaN(waitNs) ? undefined : { cpuMs: cpuNs / 1e6, waitMs: waitNs / 1e6, threadMs };
  } catch {
    return undefined;
  }
}

/**
 * CPU time between two readings split three ways: the main thread (the event loop), the busiest other thread (in
 * Shuttle, the writer thread), and the rest (V8's and libuv's helpers).
 */
export interface CpuSplit {
  mainMs: number;
  busiestOtherMs: number;
  restMs: number;
}

export function splitCpuTimes(pid: number, before: CpuTimes, after: CpuTimes): CpuSplit {
  let mainMs = 0;
  let busiestOtherMs = 0;
  let othersMs = 0;
  for (const [thread, ms] of after.threadMs) {
    const spent = ms - (before.threadMs.get(thread) ?? 0);
    if (thread === pid) mainMs = spent;
    else {
      othersMs += spent;
      busiestOtherMs = Math.max(busiestOtherMs, spent);
    }
  }
  return { mainMs, busiestOtherMs, restMs: othersMs - busiestOtherMs };
}

// CPU time a process has used, and time it waited for a CPU, summed over its threads from /proc/<pid>/task/*/schedstat
// (nanoseconds, not tick-sampled): what a request costs, and how much other work on the machine got in the way.
import { readdirSync, readFileSync } from 'node:fs';

export interface CpuTimes {
  /** Time on a CPU, all threads. */
  cpuMs: number;
  /** Time runnable but waiting for a CPU (busy with someone else's work). */
  waitMs: number;
}

/** Undefined when the process is gone or /proc (with schedstat) is not there. */
export function readCpuTimes(pid: number): CpuTimes | undefined {
  try {
    let cpuNs = 0;
    let waitNs = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      let fields: string[];
      try {
        fields = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ');
      } catch {
        continue; // A thread that ended between the listing and the read.
      }
      cpuNs += Number(fields[0]);
      waitNs += Number(fields[1]);
    }
    return Number.isNaN(cpuNs) || Number.isNaN(waitNs) ? undefined : { cpuMs: cpuNs / 1e6, waitMs: waitNs / 1e6 };
  } catch {
    return undefined;
  }
}

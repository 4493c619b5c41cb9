// Resident memory of a process from /proc/<pid>/status: VmRSS now, VmHWM (the kernel's peak), sampled over a run.
import { readFileSync } from 'node:fs';

export interface MemoryReading {
  rssKb: number;
  /** The high-water mark of RSS since the process started. */
  hwmKb: number;
}

export interface RssSample {
  /** Milliseconds since sampling started. */
  atMs: number;
  rssKb: number;
}

function field(status: string, name: string): number | undefined {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** Undefined when the process is gone or /proc is not there (not Linux). */
export function readMemory(pid: number): MemoryReading | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = field(status, 'VmRSS');
    const hwmKb = field(status, 'VmHWM');
    return rssKb === undefined || hwmKb === undefined ? undefined : { rssKb, hwmKb };
  } catch {
    return undefined;
  }
}

export class RssSampler {
  private readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private peakKb = 0;

  /** `target.pid` is read at each sample: a target restarted between samples is followed to its new process. */
  constructor(
    private readonly target: { readonly pid: number },
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  samplesSoFar(): readonly RssSample[] {
    return this.samples;
  }

  /** Stops sampling; the peak is the larger of the samples and the kernel's high-water mark. */
  stop(): { peakKb: number; samples: RssSample[] } {
    this.sample();
    clearInterval(this.timer);
    return { peakKb: this.peakKb, samples: this.samples };
  }

  private sample(): void {
    const reading = readMemory(this.target.pid);
    if (reading === undefined) return;
    this.peakKb = Math.max(this.peakKb, reading.rssKb, reading.hwmKb);
    this.samples.push({ atMs: Math.round(performance.now() - this.startedAt), rssKb: reading.rssKb });
  }
}

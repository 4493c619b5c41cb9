// Drives one target at a fixed number of connections for a fixed time, with wrk when installed, else autocannon.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type ChildProcesses, collectStdout } from './child-processes.js';
import type { CpuLayout } from './cpu-layout.js';
import { WRK_RESULT_MARKER, type WrkResult, wrkScript } from './wrk-script.js';

export type LoadTool = 'wrk' | 'autocannon';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  /** Extra headers rotated request by request (e.g. one end customer per request); may be empty. */
  headerVariants: Record<string, string>[];
  body: string;
  connections: number;
  durationS: number;
}

export interface LoadResult {
  tool: LoadTool;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers whose status was not 2xx. */
  non2xx: number;
}

function wrkInstalled(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk --version prints its usage and exits 1: installed all the same.
    return (error as { status?: number }).status === 1;
  }
}

export function chooseLoadTool(preferred: LoadTool | undefined): LoadTool {
  if (preferred === 'wrk' && !wrkInstalled()) throw new Error('--tool wrk: wrk is not installed (apt-get install -y wrk)');
  return preferred ?? (wrkInstalled() ? 'wrk' : 'autocannon');
}

export class LoadDriver {
  private runs = 0;

  constructor(
    readonly tool: LoadTool,
    private readonly children: ChildProcesses,
    private readonly layout: CpuLayout,
    private readonly workDir: string,
  ) {}

  run(spec: LoadSpec): Promise<LoadResult> {
    this.runs += 1;
    return this.tool === 'wrk' ? this.runWrk(spec) : this.runAutocannon(spec);
  }

  private async runWrk(spec: LoadSpec): Promise<LoadResult> {
    const url = new URL(spec.url);
    const script = join(this.workDir, `wrk-${this.runs}.lua`);
    writeFileSync(script, wrkScript(url.pathname, spec.headers, spec.body, spec.headerVariants));
    // One thread: the load generator has one core, and one wrk thread drives 32 connections easily.
    const args = ['-t1', `-c${spec.connections}`, `-d${spec.durationS}s`, '--timeout', '10s', '-s', script, spec.url];
    const wrk = this.children.spawn('wrk', 'wrk', args, { cores: this.layout.load, env: process.env });
    const output = await collectStdout(wrk);
    const line = output.split('\n').find((candidate) => candidate.startsWith(WRK_RESULT_MARKER));
    // wrk reports a Lua error on stderr and carries on with plain GET requests: never mistake those for results.
    if (line === undefined || wrk.stderrTail() !== '') throw new Error(`wrk failed: ${wrk.stderrTail() || output.slice(-300)}`);
    const result = JSON.parse(line.slice(WRK_RESULT_MARKER.length)) as WrkResult;
    const seconds = result.duration_us / 1e6;
    return {
      tool: 'wrk',
      connections: spec.connections,
      durationS: seconds,
      requests: result.requests,
      rps: result.requests / seconds,
      p50Ms: result.p50_us / 1000,
      p99Ms: result.p99_us / 1000,
      meanMs: result.mean_us / 1000,
      maxMs: result.max_us / 1000,
      errors: result.connect + result.read + result.write + result.timeout,
      non2xx: result.status,
    };
  }

  private async runAutocannon(spec: LoadSpec): Promise<LoadResult> {
    const cli = createRequire(import.meta.url).resolve('autocannon');
    // The autocannon CLI takes one fixed set of headers: the first variant stands for all of them.
    const headers = { ...spec.headers, ...spec.headerVariants[0] };
    const args = [cli, '-c', String(spec.connections), '-d', String(spec.durationS), '-m', 'POST', '-b', spec.body, '--json', '-n'];
    for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`);
    args.push(spec.url);
    const output = await collectStdout(
      this.children.spawn('autocannon', process.execPath, args, { cores: this.layout.load, env: process.env }),
    );
    const line = output
      .trim()
      .split('\n')
      .findLast((candidate) => candidate.startsWith('{'));
    if (line === undefined) throw new Error(`autocannon printed no result: ${output.slice(-500)}`);
    const result = JSON.parse(line) as {
      duration: number;
      requests: { total: number };
      latency: { p50: number; p99: number; mean: number; max: number };
      errors: number;
      timeouts: number;
      non2xx: number;
    };
    return {
      tool: 'autocannon',
      connections: spec.connections,
      durationS: result.duration,
      requests: result.requests.total,
      rps: result.requests.total / result.duration,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      meanMs: result.latency.mean,
      maxMs: result.latency.max,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
    };
  }
}

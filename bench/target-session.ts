// One running target and everything measured on it: warm-up, cell runs round after round, TTFB samples, memory.
import { type ChatMode, chatRequestBody } from './chat-request.js';
import type { LoadDriver, LoadResult } from './load-driver.js';
import type { Cell } from './options.js';
import { readCpuTimes, splitCpuTimes } from './process-cpu.js';
import { type RssSample, RssSampler } from './rss-sampler.js';
import type { SoakResult } from './rss-soak.js';
import type { Target } from './target.js';
import { probeTtfb, summariseTtfb, type TtfbResult, type TtfbSamples, type TtfbSpec } from './ttfb-probe.js';

/** One run of a cell: what the load generator saw, and the target's CPU time meanwhile. */
export interface RoundResult extends LoadResult {
  cpuUsPerRequest: number | null;
  /** Time the target was ready to run but waited for a CPU, as a share of the cell: other work on the machine. */
  cpuWaitPct: number | null;
  /** cpuUsPerRequest split: the main thread, the busiest other thread (Shuttle's writer thread), the rest. */
  cpuSplitUsPerRequest: { main: number; busiestOther: number; rest: number } | null;
}

export interface CellResult {
  mode: ChatMode;
  connections: number;
  /** The median of the rounds (req/s, each percentile and CPU per request taken separately); errors are summed. */
  load: RoundResult;
  rounds: RoundResult[];
}

export interface Measurements {
  cells: CellResult[];
  /**
   * The cells run again at the same time as another target's (runCellBesides()): the two share the machine's every
   * busy moment, so their difference holds still where two runs one after the other drift apart (docs/benchmarks.md).
   */
  besideCells: CellResult[];
  /**
   * The side-by-side runs with the two processes' request log levels swapped (each request's `x-shuttle-log`): each
   * process is weighed at both levels, so what it compiled and how its heap grew cancel out (docs/benchmarks.md).
   */
  swappedCells: CellResult[];
  ttfb: TtfbResult | null;
  peakRssKb: number | null;
  rssSamples: RssSample[];
  soak: SoakResult | null;
  /** Every answer the target completed (warm-up, cells, probe, soak): what its usage events should add up to. */
  requestsCompleted: number;
  /** Why measuring this target stopped early, if it did; what was measured until then is kept. */
  error: string | null;
}

/** Of a side-by-side run: the targets at the levels they are named for, or with the two levels swapped between them. */
export type BesidePhase = 'named' | 'swapped';

/** A session driven side by side with others, each of its requests with these extra headers. */
export interface SessionBeside {
  session: TargetSession;
  headers: Record<string, string>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function medianOfRounds(rounds: readonly RoundResult[]): RoundResult {
  const first = rounds[0];
  if (first === undefined) throw new Error('no rounds to summarise');
  const sum = (pick: (round: RoundResult) => number): number => rounds.reduce((total, round) => total + pick(round), 0);
  const known = (pick: (round: RoundResult) => number | null): number | null => {
    const values = rounds.flatMap((round) => {
      const value = pick(round);
      return value === null ? [] : [value];
    });
    return values.length === 0 ? null : median(values);
  };
  return {
    tool: first.tool,
    connections: first.connections,
    durationS: sum((round) => round.durationS),
    requests: sum((round) => round.requests),
    rps: median(rounds.map((round) => round.rps)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    meanMs: median(rounds.map((round) => round.meanMs)),
    maxMs: Math.max(...rounds.map((round) => round.maxMs)),
    errors: sum((round) => round.errors),
    non2xx: sum((round) => round.non2xx),
    cpuUsPerRequest: known((round) => round.cpuUsPerRequest),
    cpuWaitPct: known((round) => round.cpuWaitPct),
    cpuSplitUsPerRequest: medianSplit(rounds),
  };
}

function medianSplit(rounds: readonly RoundResult[]): RoundResult['cpuSplitUsPerRequest'] {
  const splits = rounds.flatMap((round) => (round.cpuSplitUsPerRequest === null ? [] : [round.cpuSplitUsPerRequest]));
  if (splits.length === 0) return null;
  return {
    main: median(splits.map((split) => split.main)),
    busiestOther: median(splits.map((split) => split.busiestOther)),
    rest: median(splits.map((split) => split.rest)),
  };
}

const fmt = (value: number, digits = 2): string => value.toFixed(digits);

/** " (main 120 + busiest other thread 40 + rest 20)": where a request's CPU went. */
function threads(split: RoundResult['cpuSplitUsPerRequest']): string {
  if (split === null) return '';
  return ` (main ${Math.round(split.main)} + busiest other thread ${Math.round(split.busiestOther)} + rest ${Math.round(split.rest)})`;
}

export class TargetSession {
  private readonly sampler: RssSampler;
  private readonly runs = new Map<string, { cell: Cell; rounds: RoundResult[] }>();
  private readonly besideRuns = new Map<string, { cell: Cell; rounds: RoundResult[] }>();
  private readonly swappedRuns = new Map<string, { cell: Cell; rounds: RoundResult[] }>();
  private readonly ttfb: TtfbSamples = { firstByteMs: [], totalMs: [], failures: 0 };
  private requestsCompleted = 0;
  soak: SoakResult | null = null;
  error: string | null = null;

  constructor(
    readonly target: Target,
    readonly label: string,
    private readonly driver: LoadDriver,
    private readonly progress: (line: string) => void,
  ) {
    this.sampler = new RssSampler(target);
    this.sampler.start();
  }

  get failed(): boolean {
    return this.error !== null;
  }

  /** A new process for the target, on the same database (Target.restart), if it can have one. */
  restart(): Promise<void> {
    return this.attempt('restart', async () => {
      await this.target.restart?.();
    });
  }

  /** Runs `step`; a failure marks this target failed (it is skipped from then on) instead of ending the run. */
  async attempt(what: string, step: () => Promise<void>): Promise<void> {
    if (this.failed) return;
    try {
      await step();
    } catch (error) {
      this.error = `${what}: ${error instanceof Error ? error.message : String(error)}`;
      this.progress(`${this.label}: stopped measuring (${this.error})`);
    }
  }

  private async load(mode: ChatMode, connections: number, durationS: number, headers: Record<string, string> = {}): Promise<RoundResult> {
    const before = readCpuTimes(this.target.pid);
    const result = await this.driver.run({
      url: this.target.url,
      headers: { ...this.target.headers, ...headers },
      headerVariants: this.target.headerVariants,
      body: chatRequestBody(mode),
      connections,
      durationS,
    });
    const after = readCpuTimes(this.target.pid);
    this.requestsCompleted += result.requests;
    if (before === undefined || after === undefined || result.requests === 0)
      return { ...result, cpuUsPerRequest: null, cpuWaitPct: null, cpuSplitUsPerRequest: null };
    const perRequest = (ms: number): number => (ms * 1000) / result.requests;
    const split = splitCpuTimes(this.target.pid, before, after);
    return {
      ...result,
      cpuUsPerRequest: perRequest(after.cpuMs - before.cpuMs),
      cpuWaitPct: ((after.waitMs - before.waitMs) / (result.durationS * 1000)) * 100,
      cpuSplitUsPerRequest: {
        main: perRequest(split.mainMs),
        busiestOther: perRequest(split.busiestOtherMs),
        rest: perRequest(split.restMs),
      },
    };
  }

  warmUp(mode: ChatMode, durationS: number): Promise<void> {
    return this.attempt(`warm-up (${mode})`, async () => {
      const warm = await this.load(mode, 32, durationS);
      if (warm.requests === 0 || warm.non2xx === warm.requests) {
        throw new Error(`no successful answer (${warm.non2xx} non-2xx, ${warm.errors} errors)`);
      }
    });
  }

  /** Unmeasured load on every session at once, each request with the session's extra headers. */
  static async warmUpBesides(sessions: readonly SessionBeside[], mode: ChatMode, durationS: number): Promise<void> {
    await Promise.all(
      sessions.map(({ session, headers }) =>
        session.attempt(`warm-up side by side (${mode})`, async () => {
          await session.load(mode, 32, durationS, headers);
        }),
      ),
    );
  }

  runCell(cell: Cell, durationS: number, round: string): Promise<void> {
    return this.measureCell(this.runs, cell, durationS, round);
  }

  /**
   * The cell again on each session at the same time, each request with the session's extra headers: their runs are
   * weighed against each other. Kept as besideCells, or as swappedCells for the `swapped` phase.
   */
  static async runCellBesides(
    sessions: readonly SessionBeside[],
    cell: Cell,
    durationS: number,
    round: string,
    phase: BesidePhase,
  ): Promise<void> {
    const label = `${round} side by side${phase === 'swapped' ? ', swapped' : ''}`;
    await Promise.all(
      sessions.map(({ session, headers }) =>
        session.measureCell(phase === 'named' ? session.besideRuns : session.swappedRuns, cell, durationS, label, headers),
      ),
    );
  }

  private measureCell(
    runs: Map<string, { cell: Cell; rounds: RoundResult[] }>,
    cell: Cell,
    durationS: number,
    round: string,
    headers: Record<string, string> = {},
  ): Promise<void> {
    return this.attempt(`${cell.mode} c${cell.connections}`, async () => {
      const result = await this.load(cell.mode, cell.connections, durationS, headers);
      const key = `${cell.mode}/${cell.connections}`;
      const entry = runs.get(key) ?? { cell, rounds: [] };
      entry.rounds.push(result);
      runs.set(key, entry);
      const problems = result.errors + result.non2xx > 0 ? `  (${result.errors} errors, ${result.non2xx} non-2xx)` : '';
      const cpu =
        result.cpuUsPerRequest === null
          ? ''
          : `, ${Math.round(result.cpuUsPerRequest)} µs CPU/req${threads(result.cpuSplitUsPerRequest)}, waited ${fmt(result.cpuWaitPct ?? 0, 0)}%`;
      this.progress(
        `${round} ${cell.mode} c${cell.connections}  ${this.label}: ${Math.round(result.rps)} req/s, ` +
          `p50 ${fmt(result.p50Ms)} ms, p99 ${fmt(result.p99Ms)} ms${cpu}${problems}`,
      );
    });
  }

  /** Streams one after another for a while, untimed: the probe's own code and the target's sequential path warm up. */
  warmUpProbe(durationS: number): Promise<void> {
    return this.attempt('TTFB warm-up', () => this.probeUntimed(durationS));
  }

  /** A round's probe, after warmupS of it untimed (the harness's code cools down during the round's cells). */
  probeTtfb(samples: number, maxSeconds: number, warmupS: number, round: string): Promise<void> {
    return this.attempt('TTFB probe', async () => {
      await this.probeUntimed(warmupS);
      const found = await probeTtfb({ ...this.probeRequest(), samples, maxSeconds });
      this.ttfb.firstByteMs.push(...found.firstByteMs);
      this.ttfb.totalMs.push(...found.totalMs);
      this.ttfb.failures += found.failures;
      this.requestsCompleted += found.firstByteMs.length + found.failures;
      const summary = summariseTtfb(found);
      this.progress(`${round} TTFB        ${this.label}: p50 ${fmt(summary.p50Ms, 3)} ms over ${summary.samples} streams`);
    });
  }

  private async probeUntimed(durationS: number): Promise<void> {
    const found = await probeTtfb({ ...this.probeRequest(), samples: Number.MAX_SAFE_INTEGER, maxSeconds: durationS });
    this.requestsCompleted += found.firstByteMs.length + found.failures;
  }

  private probeRequest(): Pick<TtfbSpec, 'url' | 'headers' | 'body'> {
    return {
      url: this.target.url,
      headers: { ...this.target.headers, ...this.target.headerVariants[0] },
      body: chatRequestBody('stream'),
    };
  }

  recordSoak(soak: SoakResult): void {
    this.soak = soak;
    this.requestsCompleted += soak.requests;
  }

  /** Stops sampling memory and returns what was measured, cells in the order they were planned. */
  finish(cells: readonly Cell[]): Measurements {
    const memory = this.sampler.stop();
    const results = (runs: Map<string, { cell: Cell; rounds: RoundResult[] }>): CellResult[] =>
      cells.flatMap((cell) => {
        const entry = runs.get(`${cell.mode}/${cell.connections}`);
        return entry ? [{ mode: cell.mode, connections: cell.connections, load: medianOfRounds(entry.rounds), rounds: entry.rounds }] : [];
      });
    return {
      cells: results(this.runs),
      besideCells: results(this.besideRuns),
      swappedCells: results(this.swappedRuns),
      ttfb: this.ttfb.firstByteMs.length + this.ttfb.failures > 0 ? summariseTtfb(this.ttfb) : null,
      peakRssKb: memory.peakKb > 0 ? memory.peakKb : null,
      rssSamples: memory.samples,
      soak: this.soak,
      requestsCompleted: this.requestsCompleted,
      error: this.error,
    };
  }
}

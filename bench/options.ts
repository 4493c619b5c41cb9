// `npm run bench -- [options]` → the plan of one run: targets, cells, durations and the soak.
import { parseArgs } from 'node:util';
import type { ChatMode } from './chat-request.js';
import type { LoadTool } from './load-driver.js';
import { ON_REQUEST_TARGETS, TARGET_NAMES, type TargetName } from './target.js';

export interface Cell {
  mode: ChatMode;
  connections: number;
}

export interface BenchOptions {
  mode: 'quick' | 'full';
  profile: boolean;
  /** In run order; the direct upstream always comes first, since every "added" figure is relative to it. */
  targets: TargetName[];
  tool: LoadTool | undefined;
  cells: Cell[];
  /** Each cell runs this many times, the targets taking turns, and the median is reported. */
  rounds: number;
  durationS: number;
  warmupS: number;
  /**
   * Streams timed per target over the whole run, and the time allowed for them (split across rounds). warmupS:
   * streams sent one after another to each target before the rounds, and roundWarmupS before each round's probe,
   * untimed. The probe runs in the harness, whose own code (undici's client) takes a few thousand requests to
   * be compiled, and cools down during a round's cells: without them, the first targets probed in a round were timed
   * 0.3–1 ms slower than the same targets probed later.
   */
  ttfb: { samples: number; maxSeconds: number; warmupS: number; roundWarmupS: number };
  /** Requests of the long run at 32 connections that checks RSS stays flat (0 = no soak). */
  soakRequests: number;
  soakMaxSeconds: number;
  upstreamLatencyMs: number;
  chunkIntervalMs: number;
  pin: boolean;
  shuttleLogLevel: string;
  /**
   * The two request log levels' targets are restarted (on the same database, then warmed up again) before every
   * round after the first, each round weighing a new pair of processes. Off by default: swapping the levels between
   * the two cancels what one process's JIT compiled and how its heap grew, and a process restarted every round
   * spends the round still compiling (docs/benchmarks.md).
   */
  restartLevelPair: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --streams                concurrent streams instead (issue 29): --streams --help for its options
  --quick                  one round of short cells (json at 1 and 32 connections, TTFB probe), no soak: under a minute
  --profile                run Shuttle under node --cpu-prof (profile in bench/results/); defaults --only to shuttle-sqlite
  --only <names>           comma-separated targets: ${TARGET_NAMES.join(', ')}
                           (the direct upstream is always measured: "added" figures are relative to it; the
                           *-cache-hit targets, every request answered from the response cache, only when named;
                           shuttle-sqlite-metadata is shuttle-sqlite with every request lowering the request log to
                           level metadata, which level full, the default, is weighed against: every round, the two
                           also run side by side, then again with their levels swapped)
  --tool <wrk|autocannon>  load generator (default: wrk when installed, else autocannon)
  --cells <list>           comma-separated mode:connections cells, e.g. json:32,stream:32 (default json:1,json:32,
                           stream:1,stream:32; quick json:1,json:32)
  --rounds <n>             times each cell runs, targets taking turns; the median is reported (default 3, quick 1)
  --duration <s>           seconds per measured cell and round (default 4, quick 3)
  --warmup <s>             seconds of warm-up per mode before measuring (default 3, quick 1)
  --soak-requests <n>      requests in the RSS soak on shuttle-sqlite (default 500000, quick 0)
  --upstream-latency-ms <n>  fake upstream's delay before answering (default 0: the gateway's CPU is what is measured)
  --chunk-interval-ms <n>  delay between streamed chunks (default 0)
  --shuttle-log-level <l>  Shuttle's LOG_LEVEL (default warn: no per-request log line; info adds one)
  --restart-level-pair     restart shuttle-sqlite and shuttle-sqlite-metadata before every round after the first (each
                           round then weighs the two levels on a new pair of processes, the same databases)
  --no-pin                 do not pin processes to cores with taskset
  --help`;

function positiveInteger(name: string, value: string | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < (allowZero ? 0 : 1))
    throw new Error(`--${name} must be a${allowZero ? ' non-negative' : ' positive'} integer`);
  return number;
}

function targetList(only: string | undefined, profile: boolean): TargetName[] {
  const everyDefault = TARGET_NAMES.filter((name) => !ON_REQUEST_TARGETS.includes(name));
  const requested = only === undefined ? (profile ? ['shuttle-sqlite'] : everyDefault) : only.split(',').map((name) => name.trim());
  for (const name of requested) {
    if (!(TARGET_NAMES as readonly string[]).includes(name))
      throw new Error(`--only: unknown target "${name}" (known: ${TARGET_NAMES.join(', ')})`);
  }
  return TARGET_NAMES.filter((name) => name === 'upstream' || requested.includes(name));
}

/** `json:32,stream:1` → its cells. */
function parseCells(list: string): Cell[] {
  return list.split(',').map((item) => {
    const [mode, connections] = item.trim().split(':');
    const count = Number(connections);
    if ((mode !== 'json' && mode !== 'stream') || !Number.isInteger(count) || count < 1)
      throw new Error(`--cells: "${item}" is not mode:connections (json or stream, a positive integer)`);
    return { mode, connections: count };
  });
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      only: { type: 'string' },
      tool: { type: 'string' },
      cells: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'soak-requests': { type: 'string' },
      'upstream-latency-ms': { type: 'string' },
      'chunk-interval-ms': { type: 'string' },
      'shuttle-log-level': { type: 'string', default: 'warn' },
      'no-pin': { type: 'boolean', default: false },
      'restart-level-pair': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.tool !== undefined && values.tool !== 'wrk' && values.tool !== 'autocannon')
    throw new Error('--tool must be wrk or autocannon');
  const quick = values.quick;
  const cells: Cell[] =
    values.cells !== undefined
      ? parseCells(values.cells)
      : quick
        ? [
            { mode: 'json', connections: 1 },
            { mode: 'json', connections: 32 },
          ]
        : [
            { mode: 'json', connections: 1 },
            { mode: 'json', connections: 32 },
            { mode: 'stream', connections: 1 },
            { mode: 'stream', connections: 32 },
          ];
  return {
    mode: quick ? 'quick' : 'full',
    profile: values.profile,
    targets: targetList(values.only, values.profile),
    tool: values.tool,
    cells,
    rounds: positiveInteger('rounds', values.rounds, quick ? 1 : 3),
    durationS: positiveInteger('duration', values.duration, quick ? 2 : 3),
    warmupS: positiveInteger('warmup', values.warmup, quick ? 1 : 3),
    ttfb: quick
      ? { samples: 200, maxSeconds: 1, warmupS: 1, roundWarmupS: 0.2 }
      : { samples: 2000, maxSeconds: 6, warmupS: 2, roundWarmupS: 0.5 },
    soakRequests: positiveInteger('soak-requests', values['soak-requests'], quick ? 0 : 500_000, true),
    soakMaxSeconds: 270,
    upstreamLatencyMs: positiveInteger('upstream-latency-ms', values['upstream-latency-ms'], 0, true),
    chunkIntervalMs: positiveInteger('chunk-interval-ms', values['chunk-interval-ms'], 0, true),
    pin: !values['no-pin'],
    shuttleLogLevel: values['shuttle-log-level'],
    restartLevelPair: values['restart-level-pair'],
  };
}

// The run's report: one table of figures, the ratios, the targets with pass/fail, as text and as JSON.
import type { ChatMode } from './chat-request.js';
import { addedLatency, addedTtfb, type Check, type Ratio, type TargetResult } from './checks.js';
import type { ProfileSummary } from './profile-summary.js';

export interface RunEnvironment {
  startedAt: string;
  finishedAt: string;
  command: string;
  mode: 'quick' | 'full';
  profile: boolean;
  loadTool: string;
  /** The @portkey-ai/gateway version measured, when Portkey ran. */
  portkeyVersion: string | null;
  layout: string;
  node: string;
  cpu: string;
  cores: number;
  /** One-minute load average before and after the run: how busy the machine was with other work. */
  loadAverage: { before: number; after: number };
  rounds: number;
  durationS: number;
  warmupS: number;
  ttfbWarmupS: number;
  ttfbRoundWarmupS: number;
  upstreamLatencyMs: number;
  chunkIntervalMs: number;
  shuttleLogLevel: string;
  /** Whether both request log levels' targets were measured: warmed up at both levels, run side by side and swapped. */
  levelPair: boolean;
  /** Whether the two request log levels' targets were restarted before each round after the first (BenchOptions). */
  levelPairRestarted: boolean;
}

export interface BenchReport {
  environment: RunEnvironment;
  results: TargetResult[];
  modes: ChatMode[];
  ratios: Ratio[];
  checks: Check[];
  /** CPU profiles of the Shuttle processes, with --profile. */
  profiles: { target: string; summary: ProfileSummary }[];
}

/** Above this share of a cell spent waiting for a CPU, the run is flagged as disturbed by other work. */
const BUSY_WAIT_PCT = 20;

const dash = '—';
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const num = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);
const signed = (value: number | null | undefined): string =>
  value === null || value === undefined ? dash : `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const mb = (kb: number | null): string => (kb === null ? dash : `${(kb / 1024).toFixed(1)} MB`);

const COLUMNS = [
  'target',
  'mode',
  'conns',
  'req/s',
  'p50 ms',
  'p99 ms',
  '+p50 ms',
  '+p99 ms',
  'CPU µs/req',
  'waited',
  'errors',
  'peak RSS',
] as const;
const LEFT = new Set([0, 1]);

function table(rows: string[][]): string[] {
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (LEFT.has(column) ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(COLUMNS.map((_, column) => '-'.repeat(widths[column] ?? 0))), ...rows.map(line)];
}

function rowsOf(result: TargetResult, direct: TargetResult | undefined): string[][] {
  const rows: string[][] = [];
  const peak = mb(result.peakRssKb);
  for (const cell of result.cells) {
    const added = addedLatency(result, direct, cell.mode, cell.connections);
    rows.push([
      rows.length === 0 ? result.label : '',
      cell.mode,
      String(cell.connections),
      count(cell.load.rps),
      num(cell.load.p50Ms, 3),
      num(cell.load.p99Ms, 3),
      signed(added?.p50Ms),
      signed(added?.p99Ms),
      cell.load.cpuUsPerRequest === null ? dash : count(cell.load.cpuUsPerRequest),
      // The upstream shares its core with the load generator by design: its waiting says nothing about other work.
      cell.load.cpuWaitPct === null || result.name === 'upstream' ? dash : `${cell.load.cpuWaitPct.toFixed(0)}%`,
      count(cell.load.errors + cell.load.non2xx),
      rows.length === 0 ? peak : '',
    ]);
  }
  if (result.ttfb) {
    const added = addedTtfb(result, direct);
    rows.push([
      rows.length === 0 ? result.label : '',
      'TTFB',
      '1',
      dash,
      num(result.ttfb.p50Ms, 3),
      num(result.ttfb.p99Ms, 3),
      signed(added?.p50Ms),
      signed(added?.p99Ms),
      dash,
      dash,
      count(result.ttfb.failures),
      rows.length === 0 ? peak : '',
    ]);
  }
  if (rows.length === 0) rows.push([result.label, ...COLUMNS.slice(1, -1).map(() => dash), peak]);
  return rows;
}

export function renderReport(report: BenchReport, resultsFile: string): string {
  const { environment: env, results } = report;
  const direct = results.find((result) => result.name === 'upstream');
  const out: string[] = [
    '',
    `Shuttle benchmark — ${env.mode} run${env.profile ? ' under --cpu-prof (figures perturbed by profiling)' : ''}, ${env.startedAt}`,
    `  command:    ${env.command}`,
    `  load:       ${env.loadTool}; ${env.warmupS} s warm-up per mode, then ${env.rounds} round(s) of ${env.durationS} s per cell, targets taking turns (median shown); TTFB by a one-connection probe (untimed for ${env.ttfbWarmupS} s first and ${env.ttfbRoundWarmupS} s each round)`,
    ...(env.levelPair
      ? [
          '  levels:     shuttle-sqlite and shuttle-sqlite-metadata warmed up at both levels, then side by side twice a round, the second time with their levels swapped',
        ]
      : []),
    ...(env.levelPairRestarted
      ? ['              and restarted (same databases) and warmed up again before each round after the first']
      : []),
    `  upstream:   fake OpenAI, ${env.upstreamLatencyMs} ms latency, ${env.chunkIntervalMs} ms between stream chunks; Shuttle LOG_LEVEL=${env.shuttleLogLevel}`,
    `  layout:     ${env.layout}`,
    ...(env.portkeyVersion === null
      ? []
      : [`  Portkey:    @portkey-ai/gateway ${env.portkeyVersion} (its build/start-server.js, --headless)`]),
    `  machine:    ${env.cores} cores (${env.cpu}), Node ${env.node}, load average ${env.loadAverage.before.toFixed(2)} before → ${env.loadAverage.after.toFixed(2)} after`,
    '',
    ...table(results.flatMap((result) => rowsOf(result, direct))),
    '  +p50/+p99: latency added over calling the upstream directly in the same cell; TTFB: first byte of a streamed answer;',
    "  CPU µs/req: CPU time the target process used per request (on the upstream's row, the upstream's own): steadier",
    '  than req/s on a shared machine, though a busy host inflates it too; waited: share of the cell the target was ready',
    '  to run but had no CPU (other work on the machine) — the higher it is, the less those figures say about the target.',
  ];

  const waits = results
    .filter((result) => result.name !== 'upstream')
    .flatMap((result) => result.cells.flatMap((cell) => (cell.load.cpuWaitPct === null ? [] : [cell.load.cpuWaitPct])));
  const busiest = Math.max(0, ...waits);
  if (busiest >= BUSY_WAIT_PCT) {
    out.push(
      '',
      `Warning: targets waited for a CPU up to ${busiest.toFixed(0)}% of a cell (median ${median(waits).toFixed(0)}%): other work was running on`,
      'this machine, and the figures above measure it as much as the gateways. Compare CPU µs/req, or run again when it is idle.',
    );
  }

  const failed = results.filter((result) => result.error !== null);
  if (failed.length > 0) {
    out.push('', 'Problems:');
    for (const result of failed) out.push(`  ${result.label}: ${result.error}`);
  }

  out.push('', `Ratios (req/s at 32 connections)${report.modes.map((mode) => mode.padStart(10)).join('')}`);
  for (const name of new Set(report.ratios.map((ratio) => ratio.name))) {
    const values = report.modes.map((mode) => {
      const value = report.ratios.find((ratio) => ratio.name === name && ratio.mode === mode)?.value ?? null;
      const text =
        value === null ? dash : name.includes('Portkey') ? `${(Math.floor(value * 10) / 10).toFixed(1)}×` : `${Math.floor(value * 100)}%`;
      return text.padStart(10);
    });
    out.push(`  ${name.padEnd(31)}${values.join('')}`);
  }

  out.push('', 'Targets (reported beside the figures, never enforced)');
  const width = Math.max(...report.checks.map((check) => check.description.length));
  for (const check of report.checks) {
    out.push(`  ${check.status.toUpperCase().padEnd(4)}  ${check.description.padEnd(width)}  ${check.measured}`);
  }

  const shuttles = results.filter((result) => typeof result.notes.usageEvents === 'number');
  if (shuttles.length > 0) {
    // wrk does not count answers still in flight when it stops, so there can be a few more events than answers.
    out.push('', 'Usage events written (every request is metered):');
    for (const result of shuttles) {
      out.push(
        `  ${result.label}: ${count(result.notes.usageEvents as number)} events for ${count(result.requestsCompleted)} answers completed`,
      );
    }
  }
  for (const result of results) {
    if (!result.soak) continue;
    const soak = result.soak;
    out.push(
      `RSS soak (${result.label}): ${count(soak.requests)} requests in ${soak.seconds.toFixed(0)} s at 32 connections: ` +
        `${mb(soak.startRssKb)} → ${mb(soak.endRssKb)} (${soak.changePct >= 0 ? '+' : ''}${soak.changePct.toFixed(1)}%)`,
    );
    const cpu = soak.rounds.flatMap((round) => (round.cpuUsPerRequest === null ? [] : [round.cpuUsPerRequest]));
    const [firstCpu, lastCpu] = [cpu[0], cpu.at(-1)];
    if (firstCpu !== undefined && lastCpu !== undefined) {
      out.push(`  CPU per request over the soak: ${count(firstCpu)} µs in the first round → ${count(lastCpu)} µs in the last`);
    }
  }
  for (const { target, summary } of report.profiles) {
    out.push('', `CPU profile of ${target}: ${summary.file} (${(summary.busyMs / 1000).toFixed(1)} s busy)`, '  self time by package:');
    for (const entry of summary.byPackage.slice(0, 12)) out.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`);
    out.push('  hottest functions (self time):');
    for (const entry of summary.topFunctions.slice(0, 20))
      out.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}`);
    out.push("  Shuttle's own functions by total time (self + callees):");
    for (const entry of summary.shuttleInclusive.slice(0, 15))
      out.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}`);
  }
  out.push('', `Full results: ${resultsFile}`, '');
  return out.join('\n');
}

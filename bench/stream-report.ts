// The report of `npm run bench -- --streams`: per target and step, what was held and what it cost, as text and JSON.
// Pure arithmetic on what the run measured (test/bench/streams.test.ts).
import type { ProfileSummary } from './profile-summary.js';

export interface Spread {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface StepResult {
  ramp: number;
  /** Concurrent streams asked for. */
  streams: number;
  /** The most streams open at once during the step's window. */
  held: number;
  completed: number;
  errors: number;
  /** Each chunk's arrival minus its scheduled send time, over the window. */
  chunk: Spread | null;
  /** Request sent to first byte, for streams started in the window. */
  ttfb: Spread | null;
  /** The target's event-loop delay: the highest per-second p99 (and max) over the window. */
  loopP99Ms: number | null;
  loopMaxMs: number | null;
  /** The target's garbage collections over the window: the longest pause, the longest full one, and ms per second. */
  gc: { maxMs: number; majorMaxMs: number; msPerSecond: number } | null;
  /** The target's V8 heap in use and its active resources by type, at the last event-loop sample in the window. */
  heapUsedKb: number | null;
  resources: Record<string, number> | null;
  /** Peak RSS during the window. */
  rssKb: number | null;
  /** The target's CPU time over the window (all threads). */
  cpuMs: number | null;
  /** Open streams integrated over the window. */
  streamSeconds: number;
}

export interface StreamTargetResult {
  name: string;
  label: string;
  steps: StepResult[];
  /** RSS before the first ramp (after a short warm-up), and after each ramp once drained and settled. */
  idleRssKb: number | null;
  /** The heap and active resources at idle (the last event-loop sample before the first ramp). */
  idleHeapUsedKb: number | null;
  idleResources: Record<string, number> | null;
  afterRampRssKb: number[];
  /** Streams read to [DONE] over the whole run (warm-up included): what the usage events should add up to. */
  completed: number;
  errors: number;
  errorSamples: string[];
  /** Rows in usage_events after a graceful stop (Shuttle only). */
  usageEvents: number | null;
  error: string | null;
}

export interface StreamsEnvironment {
  startedAt: string;
  finishedAt: string;
  command: string;
  mode: 'quick' | 'full';
  layout: string;
  node: string;
  cpu: string;
  cores: number;
  loadAverage: { before: number; after: number };
  fileDescriptorLimit: number;
  /** Steps left out because the open-files limit could not be raised far enough for them. */
  skippedSteps: number[];
  steps: number[];
  holdS: number;
  ramps: number;
  streamChunks: number;
  chunkIntervalMs: number;
  portkeyVersion: string | null;
}

export interface StreamsReport {
  environment: StreamsEnvironment;
  results: StreamTargetResult[];
  /** CPU profiles of the Shuttle processes, with --profile. */
  profiles: { target: string; summary: ProfileSummary }[];
}

/** A figure minus the direct upstream's for the same ramp and step: what the gateway adds. */
export function added(value: number | undefined, direct: number | undefined): number | null {
  return value === undefined || direct === undefined ? null : value - direct;
}

/** The direct upstream's step to subtract: the same ramp and step count, else the same step count in its first ramp. */
export function directStep(direct: StreamTargetResult | undefined, step: StepResult): StepResult | undefined {
  return (
    direct?.steps.find((candidate) => candidate.ramp === step.ramp && candidate.streams === step.streams) ??
    direct?.steps.find((candidate) => candidate.streams === step.streams)
  );
}

/** Memory the streams added over idle, per stream held. */
export function rssPerStreamKb(step: StepResult, idleRssKb: number | null): number | null {
  if (step.rssKb === null || idleRssKb === null || step.held === 0) return null;
  return (step.rssKb - idleRssKb) / step.held;
}

/**
 * What one open stream holds in the target, from the step with the most streams against the idle sample: V8 heap and
 * Node's active resources (sockets, timers…) per stream held.
 */
export function perStreamHoldings(result: StreamTargetResult): { heapKb: number | null; resources: Record<string, number> } | null {
  const busiest = [...result.steps].filter((step) => step.resources !== null).sort((a, b) => b.held - a.held)[0];
  if (busiest === undefined || busiest.held === 0) return null;
  const idle = result.idleResources ?? {};
  const resources: Record<string, number> = {};
  for (const [type, count] of Object.entries(busiest.resources ?? {})) {
    const perStream = (count - (idle[type] ?? 0)) / busiest.held;
    if (Math.abs(perStream) >= 0.005) resources[type] = Math.round(perStream * 100) / 100;
  }
  const heapKb =
    busiest.heapUsedKb === null || result.idleHeapUsedKb === null ? null : (busiest.heapUsedKb - result.idleHeapUsedKb) / busiest.held;
  return { heapKb, resources };
}

/** CPU milliseconds per second of one open stream: the target's CPU over the window divided by open stream-seconds. */
export function cpuMsPerStreamSecond(step: StepResult): number | null {
  return step.cpuMs === null || step.streamSeconds <= 0 ? null : step.cpuMs / step.streamSeconds;
}

/** Every completed stream metered once: usage events equal completed streams (a failed stream may or may not be). */
export function meteringVerdict(result: StreamTargetResult): { ok: boolean | null; text: string } {
  if (result.usageEvents === null) return { ok: null, text: 'no usage store' };
  const text = `${result.usageEvents} usage events for ${result.completed} completed streams (${result.errors} failed)`;
  const ok = result.usageEvents >= result.completed && result.usageEvents <= result.completed + result.errors;
  return { ok, text };
}

/** How far above the first ramp's settled RSS a later ramp may settle and still count as no growth. */
export function growthToleranceKb(idleRssKb: number): number {
  return Math.max(16 * 1024, idleRssKb * 0.1);
}

/**
 * Whether memory comes back after the load: the RSS the last ramp settles at must be within the tolerance of the one
 * before. RSS rarely falls all the way to the idle level before the first ramp, and the first ramps grow V8's heap
 * to its working size, which it keeps; a leak instead grows it again with every ramp, the last one included.
 */
export function memoryVerdict(idleRssKb: number | null, afterRampRssKb: readonly number[]): { ok: boolean | null; text: string } {
  const previous = afterRampRssKb.at(-2);
  const last = afterRampRssKb.at(-1);
  if (idleRssKb === null || last === undefined) return { ok: null, text: 'not measured' };
  const mb = (kb: number): string => (kb / 1024).toFixed(1);
  const text = `idle ${mb(idleRssKb)} MB, after each ramp ${afterRampRssKb.map(mb).join(' / ')} MB`;
  if (previous === undefined) return { ok: null, text: `${text} (one ramp: growth across ramps not measured)` };
  const ok = last - previous <= growthToleranceKb(idleRssKb);
  return { ok, text: `${text}: ${ok ? 'no growth in the last ramp' : `grew ${mb(last - previous)} MB in the last ramp`}` };
}

const dash = '—';
const fixed = (value: number | null | undefined, digits: number): string =>
  value === null || value === undefined || Number.isNaN(value) ? dash : value.toFixed(digits);
const plus = (value: number | null, digits = 1): string => (value === null ? dash : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`);

const COLUMNS = [
  'target',
  'ramp',
  'streams',
  'held',
  'errors',
  'chunk +p50',
  '+p99',
  '+max ms',
  'TTFB +p50',
  '+p99 ms',
  'loop p99 ms',
  'GC max ms',
  'GC ms/s',
  'RSS MB',
  'KB/stream',
  'CPU ms/stream-s',
] as const;

export function stepRow(result: StreamTargetResult, step: StepResult, direct: StreamTargetResult | undefined): string[] {
  const reference = result === direct ? undefined : directStep(direct, step);
  const chunkFigure = (pick: (spread: Spread) => number): string => {
    if (step.chunk === null) return dash;
    // The direct upstream's own row shows its absolute lateness: the figure every other row is reduced by.
    if (result === direct) return fixed(pick(step.chunk), 1);
    return plus(added(pick(step.chunk), reference?.chunk ? pick(reference.chunk) : undefined));
  };
  const ttfbFigure = (pick: (spread: Spread) => number): string => {
    if (step.ttfb === null) return dash;
    if (result === direct) return fixed(pick(step.ttfb), 1);
    return plus(added(pick(step.ttfb), reference?.ttfb ? pick(reference.ttfb) : undefined));
  };
  return [
    result.label,
    String(step.ramp),
    step.streams.toLocaleString('en-US'),
    step.held.toLocaleString('en-US'),
    String(step.errors),
    chunkFigure((spread) => spread.p50Ms),
    chunkFigure((spread) => spread.p99Ms),
    chunkFigure((spread) => spread.maxMs),
    ttfbFigure((spread) => spread.p50Ms),
    ttfbFigure((spread) => spread.p99Ms),
    fixed(step.loopP99Ms, 1),
    fixed(step.gc?.maxMs ?? null, 1),
    fixed(step.gc?.msPerSecond ?? null, 0),
    step.rssKb === null ? dash : (step.rssKb / 1024).toFixed(0),
    fixed(rssPerStreamKb(step, result.idleRssKb), 1),
    fixed(cpuMsPerStreamSecond(step), 3),
  ];
}

function table(rows: string[][]): string[] {
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(COLUMNS.map((_, column) => '-'.repeat(widths[column] ?? 0))), ...rows.map(line)];
}

export function renderStreamsReport(report: StreamsReport, file: string): string {
  const env = report.environment;
  const direct = report.results.find((result) => result.name === 'upstream');
  const lines = [
    '',
    `Concurrent streams — ${env.command}`,
    `${env.startedAt} · node ${env.node} · ${env.cpu} × ${env.cores} · load average ${env.loadAverage.before.toFixed(2)} → ${env.loadAverage.after.toFixed(2)}`,
    `layout: ${env.layout} · open files allowed: ${env.fileDescriptorLimit}`,
    ...(env.skippedSteps.length > 0
      ? [`NOT MEASURED: steps ${env.skippedSteps.join(', ')}, above what the open-files limit allows (ulimit -n)`]
      : []),
    `streams: ${env.streamChunks} chunks every ${env.chunkIntervalMs} ms, usage at the end · steps ${env.steps.join(', ')}, ` +
      `each held ${env.holdS} s (measured after one stream length) · ${env.ramps} ramp(s)`,
    'chunk/TTFB: what the target adds over the direct upstream (whose own row shows its absolute figures)',
    '',
    ...table(report.results.flatMap((result) => result.steps.map((step) => stepRow(result, step, direct)))),
    '',
  ];
  for (const result of report.results) {
    if (result.error) lines.push(`${result.label}: stopped — ${result.error}`);
    const memory = memoryVerdict(result.idleRssKb, result.afterRampRssKb);
    const metering = meteringVerdict(result);
    const mark = (ok: boolean | null): string => (ok === null ? '·' : ok ? 'ok' : 'FAIL');
    lines.push(`${mark(memory.ok).padEnd(4)} ${result.label} memory: ${memory.text}`);
    if (result.usageEvents !== null) lines.push(`${mark(metering.ok).padEnd(4)} ${result.label} metering: ${metering.text}`);
    else
      lines.push(`${mark(result.errors === 0).padEnd(4)} ${result.label}: ${result.completed} streams completed, ${result.errors} failed`);
    const holdings = perStreamHoldings(result);
    if (holdings) {
      const resources = Object.entries(holdings.resources).map(([type, count]) => `${type} ${count}`);
      lines.push(
        `     ${result.label} per open stream: heap ${fixed(holdings.heapKb, 1)} KB; ${resources.join(', ') || 'no active resources'}`,
      );
    }
    if (result.errorSamples.length > 0) lines.push(`     ${result.label} errors, e.g.: ${result.errorSamples.slice(0, 3).join(' | ')}`);
  }
  for (const { target, summary } of report.profiles) {
    lines.push('', `CPU profile of ${target}: ${summary.file} (${(summary.busyMs / 1000).toFixed(1)} s busy)`, '  self time by package:');
    for (const entry of summary.byPackage.slice(0, 10)) lines.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`);
    lines.push('  hottest functions (self time):');
    for (const entry of summary.topFunctions.slice(0, 15))
      lines.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}`);
    lines.push("  Shuttle's own functions by total time (self + callees):");
    for (const entry of summary.shuttleInclusive.slice(0, 12))
      lines.push(`    ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}`);
  }
  lines.push('', `results: ${file}`, '');
  return lines.join('\n');
}

// The figures derived from the measurements: latency added over the direct upstream, ratios, and the targets we report.
import type { ChatMode } from './chat-request.js';
import type { TargetName } from './target.js';
import { type CellResult, type Measurements, median, type RoundResult } from './target-session.js';

export interface TargetResult extends Measurements {
  name: TargetName;
  label: string;
  /** Facts from the target's stop (usage events written, Portkey's version, exit code). */
  notes: Record<string, unknown>;
}

export interface Added {
  p50Ms: number;
  p99Ms: number;
}

export interface Ratio {
  name: string;
  mode: ChatMode;
  connections: number;
  /** numerator / denominator of req/s; null when either was not measured. */
  value: number | null;
}

export type CheckStatus = 'pass' | 'fail' | 'n/a';

export interface Check {
  description: string;
  measured: string;
  status: CheckStatus;
}

export const PEAK_RSS_LIMIT_MB = 200;

export function cellOf(result: TargetResult | undefined, mode: ChatMode, connections: number): CellResult | undefined {
  return result?.cells.find((cell) => cell.mode === mode && cell.connections === connections);
}

/** Latency added over calling the upstream directly, in the same cell. */
export function addedLatency(result: TargetResult, direct: TargetResult | undefined, mode: ChatMode, connections: number): Added | null {
  const own = cellOf(result, mode, connections);
  const base = cellOf(direct, mode, connections);
  if (own === undefined || base === undefined || result.name === 'upstream') return null;
  return { p50Ms: own.load.p50Ms - base.load.p50Ms, p99Ms: own.load.p99Ms - base.load.p99Ms };
}

/** Time to first byte added over the direct upstream's, for streamed answers. */
export function addedTtfb(result: TargetResult, direct: TargetResult | undefined): Added | null {
  if (result.name === 'upstream' || !result.ttfb || !direct?.ttfb || result.ttfb.samples === 0) return null;
  return { p50Ms: result.ttfb.p50Ms - direct.ttfb.p50Ms, p99Ms: result.ttfb.p99Ms - direct.ttfb.p99Ms };
}

/** The Shuttle the targets speak of: the default store (SQLite), or PostgreSQL when only that one ran. */
export function primaryShuttle(results: readonly TargetResult[]): TargetResult | undefined {
  return results.find((result) => result.name === 'shuttle-sqlite') ?? results.find((result) => result.name === 'shuttle-postgres');
}

function rpsRatio(
  numerator: TargetResult | undefined,
  denominator: TargetResult | undefined,
  mode: ChatMode,
  connections: number,
): number | null {
  const top = cellOf(numerator, mode, connections)?.load.rps;
  const bottom = cellOf(denominator, mode, connections)?.load.rps;
  return top === undefined || bottom === undefined || bottom === 0 ? null : top / bottom;
}

export function ratios(results: readonly TargetResult[], modes: readonly ChatMode[]): Ratio[] {
  const byName = (name: TargetName) => results.find((result) => result.name === name);
  const shuttle = primaryShuttle(results);
  return modes.flatMap((mode) => [
    { name: 'Shuttle / Portkey', mode, connections: 32, value: rpsRatio(shuttle, byName('portkey'), mode, 32) },
    { name: 'Shuttle / bare proxy', mode, connections: 32, value: rpsRatio(shuttle, byName('bare'), mode, 32) },
    {
      name: 'PostgreSQL store / SQLite store',
      mode,
      connections: 32,
      value: rpsRatio(byName('shuttle-postgres'), byName('shuttle-sqlite'), mode, 32),
    },
  ]);
}

function judge(
  value: number | null | undefined,
  passes: (value: number) => boolean,
  show: (value: number) => string,
): Omit<Check, 'description'> {
  if (value === null || value === undefined || Number.isNaN(value)) return { measured: '—', status: 'n/a' };
  return { measured: show(value), status: passes(value) ? 'pass' : 'fail' };
}

// Truncated, never rounded: a value just under a threshold must not print as the threshold itself.
const times = (value: number): string => `${(Math.floor(value * 10) / 10).toFixed(1)}×`;
const percent = (value: number): string => `${Math.floor(value * 100)}%`;
const ms = (value: number): string => `${value.toFixed(3)} ms`;

/** The targets of issue 6, evaluated on what was measured; reported beside the figures, never enforced. */
export function checks(results: readonly TargetResult[], modes: readonly ChatMode[], soakRequests: number): Check[] {
  const all = ratios(results, modes);
  const ratio = (name: string, mode: ChatMode) => all.find((r) => r.name === name && r.mode === mode)?.value;
  const direct = results.find((result) => result.name === 'upstream');
  const shuttle = primaryShuttle(results);
  const list: Check[] = [];
  for (const mode of modes) {
    list.push({
      description: `Shuttle ≥ 10× Portkey's req/s at 32 connections (${mode})`,
      ...judge(ratio('Shuttle / Portkey', mode), (v) => v >= 10, times),
    });
    list.push({
      description: `Shuttle ≥ 60% of the bare proxy's req/s at 32 connections (${mode})`,
      ...judge(ratio('Shuttle / bare proxy', mode), (v) => v >= 0.6, percent),
    });
  }
  const added = shuttle ? addedLatency(shuttle, direct, 'json', 1) : null;
  list.push({ description: 'latency added at 1 connection, p50 ≤ 0.3 ms', ...judge(added?.p50Ms, (v) => v <= 0.3, ms) });
  list.push({ description: 'latency added at 1 connection, p99 ≤ 1.5 ms', ...judge(added?.p99Ms, (v) => v <= 1.5, ms) });
  list.push({
    description: 'streaming adds ≤ 0.5 ms to the first byte (p50)',
    ...judge(shuttle ? addedTtfb(shuttle, direct)?.p50Ms : null, (v) => v <= 0.5, ms),
  });
  for (const result of results.filter((r) => r.name.startsWith('shuttle-'))) {
    list.push({
      description: `peak RSS ≤ ${PEAK_RSS_LIMIT_MB} MB (${result.label})`,
      ...judge(
        result.peakRssKb === null ? null : result.peakRssKb / 1024,
        (v) => v <= PEAK_RSS_LIMIT_MB,
        (v) => `${v.toFixed(1)} MB`,
      ),
    });
  }
  const soak = shuttle?.soak;
  list.push({
    description:
      soakRequests > 0
        ? `RSS flat (±10%) over ${soakRequests.toLocaleString('en-US')} requests at 32 connections`
        : 'RSS flat (±10%) over a long run (full run only)',
    ...(soak && !soak.complete
      ? { measured: `only ${soak.requests.toLocaleString('en-US')} requests in the time cap`, status: 'n/a' as const }
      : judge(
          soak?.changePct,
          (v) => Math.abs(v) <= 10,
          (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`,
        )),
  });
  for (const mode of modes) {
    list.push({
      description: `PostgreSQL store ≥ 80% of SQLite's req/s (${mode}, 32 connections)`,
      ...judge(ratio('PostgreSQL store / SQLite store', mode), (v) => v >= 0.8, percent),
    });
  }
  list.push(...requestLogChecks(results));
  return list;
}

/** The CPU a request costs at request log level `full` over `metadata`. */
export interface LevelCost {
  mode: ChatMode;
  connections: number;
  /** The median of the rounds' extra CPU per request at `full`, as a share of `metadata`'s run alone. */
  median: number;
  lowest: number;
  highest: number;
  rounds: number;
  /** The median of the rounds' ratio of the two levels side by side (each process at both levels), less one. */
  sideBySide: number;
  /** The median extra in µs per request, and where it went: the main thread, the writer thread, the rest. */
  extraUs: number;
  extraSplitUs: { main: number; writer: number; rest: number } | null;
}

type Split = NonNullable<RoundResult['cpuSplitUsPerRequest']>;

function roundsOf(cells: readonly CellResult[], cell: CellResult): readonly RoundResult[] {
  return cells.find((other) => other.mode === cell.mode && other.connections === cell.connections)?.rounds ?? [];
}

function splitBetween(full: RoundResult, metadata: RoundResult): Split | null {
  const [mine, theirs] = [full.cpuSplitUsPerRequest, metadata.cpuSplitUsPerRequest];
  if (mine === null || theirs === null) return null;
  return { main: mine.main - theirs.main, busiestOther: mine.busiestOther - theirs.busiestOther, rest: mine.rest - theirs.rest };
}

/**
 * Level `full` against `metadata`, cell by cell, from the two processes run side by side twice a round (run.ts,
 * runLevelsCrossed()): shuttle-sqlite at `full` beside shuttle-sqlite-metadata at `metadata` (besideCells), then the
 * levels swapped between them (swappedCells). Side by side, both share every busy moment of the machine, so their
 * difference holds still where runs one after the other drift by ±20%; swapped, each process is weighed at both
 * levels, so that one process's own lean cancels out. A round's extra CPU per request is the mean of its two
 * differences, weighed against `metadata`'s CPU per request run alone (the median of its rounds), since two processes
 * sharing one core each spend more per request than either alone: a larger base would flatter `full`.
 */
export function requestLogLevelCosts(results: readonly TargetResult[]): LevelCost[] {
  const full = results.find((result) => result.name === 'shuttle-sqlite');
  const metadata = results.find((result) => result.name === 'shuttle-sqlite-metadata');
  if (full === undefined || metadata === undefined) return [];
  return full.besideCells.flatMap((cell) => {
    const [metadataBeside, metadataSwapped, fullSwapped] = [
      roundsOf(metadata.besideCells, cell),
      roundsOf(metadata.swappedCells, cell),
      roundsOf(full.swappedCells, cell),
    ];
    const aloneUs = cellOf(metadata, cell.mode, cell.connections)?.load.cpuUsPerRequest ?? null;
    const alone = aloneUs !== null && aloneUs > 0 ? aloneUs : null;
    const extras: { us: number; base: number; ratio: number; split: Split | null }[] = cell.rounds.flatMap((fullBeside, index) => {
      // Named: shuttle-sqlite at full beside shuttle-sqlite-metadata at metadata; swapped: the other way round.
      const pairs = [
        [fullBeside, metadataBeside[index]],
        [metadataSwapped[index], fullSwapped[index]],
      ] as const;
      const [named, swapped] = pairs.map(([atFull, atMetadata]) =>
        atFull?.cpuUsPerRequest != null && atMetadata?.cpuUsPerRequest != null && atMetadata.cpuUsPerRequest > 0
          ? { full: atFull.cpuUsPerRequest, metadata: atMetadata.cpuUsPerRequest, split: splitBetween(atFull, atMetadata) }
          : undefined,
      );
      if (named === undefined || swapped === undefined) return [];
      const [a, b] = [named.split, swapped.split];
      return [
        {
          us: (named.full - named.metadata + swapped.full - swapped.metadata) / 2,
          base: alone ?? (named.metadata + swapped.metadata) / 2,
          ratio: Math.sqrt((named.full / named.metadata) * (swapped.full / swapped.metadata)) - 1,
          split:
            a && b
              ? { main: (a.main + b.main) / 2, busiestOther: (a.busiestOther + b.busiestOther) / 2, rest: (a.rest + b.rest) / 2 }
              : null,
        },
      ];
    });
    if (extras.length === 0) return [];
    const shares = extras.map((extra) => extra.us / extra.base).sort((a, b) => a - b);
    const splits = extras.flatMap((extra) => (extra.split === null ? [] : [extra.split]));
    return [
      {
        mode: cell.mode,
        connections: cell.connections,
        median: median(shares),
        lowest: shares[0] as number,
        highest: shares.at(-1) as number,
        rounds: shares.length,
        sideBySide: median(extras.map((extra) => extra.ratio)),
        extraUs: median(extras.map((extra) => extra.us)),
        extraSplitUs:
          splits.length === 0
            ? null
            : {
                main: median(splits.map((split) => split.main)),
                writer: median(splits.map((split) => split.busiestOther)),
                rest: median(splits.map((split) => split.rest)),
              },
      },
    ];
  });
}

const signedPercent = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%`;

/** ": main 3, writer 17, rest 1" — where the extra went. */
function splitText(split: LevelCost['extraSplitUs']): string {
  return split === null ? '' : `: main ${Math.round(split.main)}, writer ${Math.round(split.writer)}, rest ${Math.round(split.rest)}`;
}

/** Rounds below which the level check reports its figure without judging it. */
const MIN_LEVEL_ROUNDS = 3;

/** Issue 23's target: level `full` costs at most 10% more CPU per request than `metadata` on the benchmark's bodies. */
function requestLogChecks(results: readonly TargetResult[]): Check[] {
  return requestLogLevelCosts(results).map((cost) => ({
    description: `request log full ≤ 10% more CPU/req than metadata (${cost.mode}, ${cost.connections} conn.)`,
    measured:
      `${signedPercent(cost.median)} (median of ${cost.rounds} rounds, levels swapped side by side; ${signedPercent(cost.lowest)} to ` +
      `${signedPercent(cost.highest)}; ${Math.round(cost.extraUs)} µs/req${splitText(cost.extraSplitUs)}; ` +
      `${signedPercent(cost.sideBySide)} of metadata side by side)`,
    // One busy moment in one process decides a single round (a quick run's): too few to judge by.
    status: cost.rounds < MIN_LEVEL_ROUNDS ? 'n/a' : cost.median <= 0.1 ? 'pass' : 'fail',
  }));
}

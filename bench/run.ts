// `npm run bench`: start the fake upstream and every target, warm them up, drive them in interleaved rounds, report.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHAT_MODES, type ChatMode } from './chat-request.js';
import { checks, ratios, type TargetResult } from './checks.js';
import { pinHarness, planCpuLayout } from './cpu-layout.js';
import { chooseLoadTool, LoadDriver, type LoadTool } from './load-driver.js';
import { directUpstreamTarget, launchBareProxy, launchFakeUpstream } from './local-servers.js';
import { type BenchOptions, type Cell, parseOptions, USAGE } from './options.js';
import { launchPortkey, portkeyEntry } from './portkey-launcher.js';
import { type ProfileSummary, summariseProfile } from './profile-summary.js';
import { type BenchReport, renderReport } from './report.js';
import { runSoak } from './rss-soak.js';
import { RunSession } from './run-session.js';
import { launchShuttle, REQUEST_LOG_HEADER } from './shuttle-launcher.js';
import { runStreams } from './streams-run.js';
import { type LaunchContext, shuttleSettings, TARGET_LABELS, type Target, type TargetName } from './target.js';
import { type BesidePhase, type SessionBeside, TargetSession } from './target-session.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');

const LAUNCHERS: Record<Exclude<TargetName, 'upstream'>, (context: LaunchContext) => Promise<Target>> = {
  bare: launchBareProxy,
  portkey: launchPortkey,
  'shuttle-sqlite': (context) => launchShuttle(context, 'shuttle-sqlite', 'sqlite'),
  'shuttle-postgres': (context) => launchShuttle(context, 'shuttle-postgres', 'postgres'),
  'shuttle-sqlite-cache-hit': (context) => launchShuttle(context, 'shuttle-sqlite-cache-hit', 'sqlite', { cache: 'database' }),
  'shuttle-redis-cache-hit': (context) => launchShuttle(context, 'shuttle-redis-cache-hit', 'sqlite', { cache: 'redis' }),
  'shuttle-sqlite-metadata': (context) => launchShuttle(context, 'shuttle-sqlite-metadata', 'sqlite', { requestLogLevel: 'metadata' }),
};

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

function describeTool(tool: LoadTool, forced: boolean): string {
  if (tool === 'wrk') return 'wrk (1 thread, Lua script for the POST body)';
  return `autocannon (${forced ? 'chosen with --tool' : 'wrk is not installed'}; it records latencies in whole milliseconds)`;
}

/** The order targets take their turns in a round: rotated every round, so that none always follows the same one. */
function turnOrder<T>(items: readonly T[], round: number): T[] {
  const shift = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/** node --cpu-prof names its file CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile. */
function profileOf(directory: string, pid: number): ProfileSummary | null {
  const file = readdirSync(directory).find((name) => name.endsWith('.cpuprofile') && name.split('.')[3] === String(pid));
  return file === undefined ? null : summariseProfile(join(directory, file));
}

/** Request log levels `full` and `metadata`, when both are measured: also run side by side, for their check. */
function levelPair(sessions: readonly TargetSession[]): TargetSession[] | undefined {
  const full = sessions.find((session) => session.target.name === 'shuttle-sqlite');
  const metadata = sessions.find((session) => session.target.name === 'shuttle-sqlite-metadata');
  return full && metadata ? [full, metadata] : undefined;
}

/** The level pair's sessions, each request saying its level: `full` and `metadata` as named, or swapped. */
function levelHeaders(pair: TargetSession[], swapped: boolean): SessionBeside[] {
  const [full, metadata] = pair as [TargetSession, TargetSession];
  return [
    { session: full, headers: { [REQUEST_LOG_HEADER]: swapped ? 'metadata' : 'full' } },
    { session: metadata, headers: { [REQUEST_LOG_HEADER]: swapped ? 'full' : 'metadata' } },
  ];
}

/**
 * The level check's runs of a cell: `full` and `metadata` side by side, then swapped between the two processes (each
 * request's x-shuttle-log says its level), the two in turn first from one round to the next. Each run weighs the two
 * levels in the same moments of a shared machine; the swap weighs each process at both, so that one process's own
 * lean (what it compiled, how its heap grew) cancels out instead of tilting every round (docs/benchmarks.md).
 */
async function runLevelsCrossed(pair: TargetSession[], cell: Cell, durationS: number, name: string, round: number): Promise<void> {
  const phases: BesidePhase[] = round % 2 === 0 ? ['named', 'swapped'] : ['swapped', 'named'];
  for (const phase of phases) await TargetSession.runCellBesides(levelHeaders(pair, phase === 'swapped'), cell, durationS, name, phase);
}

/**
 * Both processes of the level pair serve both levels before they are measured, as a gateway whose tenants differ
 * does: warmed up at one level only, a process's first requests at the other recompile what it had optimised for the
 * one (seen as a process lean that lasted the whole run, docs/benchmarks.md).
 */
async function warmUpLevels(pair: TargetSession[], modes: readonly ChatMode[], durationS: number, stage: Stage): Promise<void> {
  for (const mode of modes) {
    for (const swapped of [false, true])
      if (!stage.stopping()) await TargetSession.warmUpBesides(levelHeaders(pair, swapped), mode, durationS);
  }
}

interface Stage {
  /** True once Ctrl-C (or SIGTERM) asked the run to stop. */
  stopping(): boolean;
}

async function measureAll(sessions: TargetSession[], options: BenchOptions, driver: LoadDriver, stage: Stage): Promise<void> {
  const modes = CHAT_MODES.filter((mode) => options.cells.some((cell) => cell.mode === mode));
  progress(`\nwarm-up: ${options.warmupS} s per mode at 32 connections, then ${options.ttfb.warmupS} s of the TTFB probe`);
  for (const session of sessions) {
    for (const mode of modes) if (!stage.stopping()) await session.warmUp(mode, options.warmupS);
    if (!stage.stopping()) await session.warmUpProbe(options.ttfb.warmupS);
  }
  const live = () => sessions.filter((session) => !session.failed && !stage.stopping());
  const warmPair = levelPair(live());
  if (warmPair !== undefined) {
    progress(`warm-up: ${options.warmupS} s per mode of both levels on both of ${warmPair.map((session) => session.label).join(' and ')}`);
    await warmUpLevels(warmPair, modes, options.warmupS, stage);
  }
  for (let round = 0; round < options.rounds; round++) {
    const name = `[${round + 1}/${options.rounds}]`;
    progress(`\nround ${round + 1} of ${options.rounds}`);
    const pair = levelPair(live());
    if (round > 0 && pair !== undefined && options.restartLevelPair) {
      progress(`restarting ${pair.map((session) => session.label).join(' and ')}, then ${options.warmupS} s of warm-up per mode`);
      // In turns, as the cells: the process restarted first has had longest to settle by the side-by-side run.
      for (const session of turnOrder(pair, round)) {
        await session.restart();
        for (const mode of modes) if (!stage.stopping()) await session.warmUp(mode, options.warmupS);
      }
      await warmUpLevels(pair, modes, options.warmupS, stage);
    }
    for (const cell of options.cells) {
      for (const session of turnOrder(live(), round)) await session.runCell(cell, options.durationS, name);
    }
    const levels = levelPair(live());
    if (levels !== undefined) for (const cell of options.cells) await runLevelsCrossed(levels, cell, options.durationS, name, round);
    for (const session of turnOrder(live(), round)) {
      await session.probeTtfb(
        Math.ceil(options.ttfb.samples / options.rounds),
        options.ttfb.maxSeconds / options.rounds,
        options.ttfb.roundWarmupS,
        name,
      );
    }
  }
  const soaked =
    sessions.find((session) => session.target.name === 'shuttle-sqlite') ?? sessions.find((s) => s.target.name === 'shuttle-postgres');
  if (options.soakRequests > 0 && soaked && !soaked.failed && !stage.stopping()) {
    progress(`\nRSS soak: ${soaked.label}, ${options.soakRequests.toLocaleString('en-US')} requests at 32 connections`);
    await soaked.attempt('RSS soak', async () => {
      soaked.recordSoak(
        await runSoak(driver, soaked.target, {
          requests: options.soakRequests,
          maxSeconds: options.soakMaxSeconds,
          progress: (line) => progress(`  ${line}`),
        }),
      );
    });
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--streams')) return runStreams(argv);
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    progress(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const layout = planCpuLayout(options.pin);
  pinHarness(layout);
  const tool = chooseLoadTool(options.tool);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const profileDir = options.profile ? join(RESULTS_DIR, `profile-${stamp}`) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const session = new RunSession(layout.taskset, 'shuttle-bench-', progress);
  const { workDir, children } = session;

  const loadBefore = loadavg()[0] ?? 0;
  try {
    progress(`load generator: ${describeTool(tool, options.tool !== undefined)}\nlayout: ${layout.description}`);
    const driver = new LoadDriver(tool, children, layout, workDir);
    const upstream = await launchFakeUpstream(children, layout, {
      latencyMs: options.upstreamLatencyMs,
      chunkIntervalMs: options.chunkIntervalMs,
    });
    const context: LaunchContext = {
      children,
      layout,
      upstreamOrigin: upstream.origin,
      profileDir,
      shuttleLogLevel: options.shuttleLogLevel,
      targetEnv: shuttleSettings(),
      onCleanup: session.onCleanup,
    };

    // Every target is started first and idles while another is driven: load goes to one target at a time, and the
    // rounds interleave them, so a burst of background load on a shared machine does not land on one target alone.
    const sessions: TargetSession[] = [];
    const results: TargetResult[] = [];
    for (const name of options.targets) {
      if (session.stopping) break;
      const label = TARGET_LABELS[name];
      try {
        const target = name === 'upstream' ? directUpstreamTarget(upstream) : await LAUNCHERS[name](context);
        sessions.push(new TargetSession(target, label, driver, progress));
        progress(`started ${label} (pid ${target.pid})`);
      } catch (error) {
        const message = `could not start: ${error instanceof Error ? error.message : String(error)}`;
        progress(`${label}: ${message}`);
        const nothing = {
          cells: [],
          besideCells: [],
          swappedCells: [],
          ttfb: null,
          peakRssKb: null,
          rssSamples: [],
          soak: null,
          requestsCompleted: 0,
        };
        results.push({ name, label, ...nothing, error: message, notes: {} });
      }
    }

    await measureAll(sessions, options, driver, { stopping: () => session.stopping });

    for (const session of sessions) {
      const notes: Record<string, unknown> = { pid: session.target.pid };
      const measurements = session.finish(options.cells);
      try {
        Object.assign(notes, await session.target.stop());
      } catch (error) {
        notes.stopError = error instanceof Error ? error.message : String(error);
      }
      results.push({ name: session.target.name, label: session.label, ...measurements, notes });
    }
    results.sort((a, b) => options.targets.indexOf(a.name) - options.targets.indexOf(b.name));

    const modes: ChatMode[] = CHAT_MODES.filter((mode) => options.cells.some((cell) => cell.mode === mode));
    const report: BenchReport = {
      environment: {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
        mode: options.mode,
        profile: options.profile,
        loadTool: describeTool(tool, options.tool !== undefined),
        portkeyVersion: options.targets.includes('portkey') ? portkeyEntry().version : null,
        layout: layout.description,
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
        rounds: options.rounds,
        durationS: options.durationS,
        warmupS: options.warmupS,
        ttfbWarmupS: options.ttfb.warmupS,
        ttfbRoundWarmupS: options.ttfb.roundWarmupS,
        upstreamLatencyMs: options.upstreamLatencyMs,
        chunkIntervalMs: options.chunkIntervalMs,
        shuttleLogLevel: options.shuttleLogLevel,
        levelPair: levelPair(sessions) !== undefined,
        levelPairRestarted: options.restartLevelPair && options.rounds > 1 && levelPair(sessions) !== undefined,
      },
      results,
      modes,
      ratios: ratios(results, modes),
      checks: checks(results, modes, options.soakRequests),
      profiles: profileDir
        ? results.flatMap((result) => {
            const pid = result.notes.pid;
            const summary = result.name.startsWith('shuttle-') && typeof pid === 'number' ? profileOf(profileDir, pid) : null;
            return summary ? [{ target: result.label, summary }] : [];
          })
        : [],
    };
    const file = join(RESULTS_DIR, `bench-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(renderReport(report, relative(process.cwd(), file) || file));
    return 0;
  } finally {
    await session.cleanUp();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    progress(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);

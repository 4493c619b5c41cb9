// `npm run bench -- --streams`: how many concurrent streams each target holds, and what they cost (issue 29). Each
// target in turn (the direct upstream first) is ramped through the steps with the stream load client, then stopped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chatRequestBody } from './chat-request.js';
import { pinHarness, planCpuLayout } from './cpu-layout.js';
import { directUpstreamTarget, launchBareProxy, launchFakeUpstream } from './local-servers.js';
import { LOOP_FILE_VARIABLE, type LoopDelaySample } from './loop-monitor.js';
import { launchPortkey, portkeyEntry } from './portkey-launcher.js';
import { readCpuTimes } from './process-cpu.js';
import { type ProfileSummary, summariseProfile } from './profile-summary.js';
import { readMemory } from './rss-sampler.js';
import { RunSession } from './run-session.js';
import { launchShuttle } from './shuttle-launcher.js';
import { newWindow, type StepWindow, StreamLoad } from './stream-load.js';
import { parseStreamOptions, STREAMS_USAGE, type StreamOptions, type StreamTargetName } from './stream-options.js';
import { renderStreamsReport, type Spread, type StepResult, type StreamsReport, type StreamTargetResult } from './stream-report.js';
import { wallClockMs } from './stream-schedule.js';
import { type LaunchContext, shuttleSettings, TARGET_LABELS, type Target } from './target.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const LOOP_MONITOR = fileURLToPath(new URL('./loop-monitor.js', import.meta.url));
const SAMPLE_EVERY_MS = 250;

const LAUNCHERS: Record<Exclude<StreamTargetName, 'upstream'>, (context: LaunchContext) => Promise<Target>> = {
  bare: launchBareProxy,
  portkey: launchPortkey,
  'shuttle-sqlite': (context) => launchShuttle(context, 'shuttle-sqlite', 'sqlite'),
  'shuttle-postgres': (context) => launchShuttle(context, 'shuttle-postgres', 'postgres'),
};

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * Descriptors the busiest process needs for `streams` open streams: the gateway holds two sockets a stream (its client's
 * and its upstream's), plus its own (listening socket, database, pipes, epoll); the client and the upstream one each.
 * `http2`: only Shuttle is measured and it reaches its upstream over HTTP/2, 100 streams a connection.
 */
export function openFilesNeeded(streams: number, http2 = false): number {
  return (http2 ? streams + Math.ceil(streams / 100) : 2 * streams) + 512;
}

/** Whether every gateway measured reaches its upstream over HTTP/2 (Shuttle with --upstream-http2, alone). */
function gatewaysOnHttp2(options: StreamOptions): boolean {
  return options.upstreamHttp2 && options.targets.every((name) => name === 'upstream' || name.startsWith('shuttle'));
}

function openFilesLimit(): { soft: number; hard: number } {
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const value = (text: string | undefined): number => (text === undefined || text === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(text));
  return { soft: value(match?.[1]), hard: value(match?.[2]) };
}

/**
 * Raises this process's open-files limit to what `needed` descriptors take, as far as it may: Node cannot call
 * setrlimit, so it asks util-linux's prlimit (raising the hard limit needs root or CAP_SYS_RESOURCE); the processes
 * the harness starts inherit the limit. Returns the limit in force.
 */
function raiseOpenFiles(needed: number): number {
  const before = openFilesLimit();
  if (before.soft >= needed) return before.soft;
  for (const limit of [`${needed}:${Math.max(before.hard, needed)}`, `${Math.min(needed, before.hard)}:${before.hard}`]) {
    try {
      execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${limit}`], { stdio: 'ignore' });
      break;
    } catch {
      // Not installed, or not allowed to raise the hard limit: the soft one up to it, then.
    }
  }
  return openFilesLimit().soft;
}

function spreadOf(histogram: StepWindow['chunkDelayUs']): Spread | null {
  if (histogram.count === 0) return null;
  return { p50Ms: histogram.percentile(50) / 1000, p99Ms: histogram.percentile(99) / 1000, maxMs: histogram.max / 1000 };
}

function loopSamples(file: string, pid: number): LoopDelaySample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LoopDelaySample)
    .filter((sample) => sample.pid === pid);
}

interface LoopFigures {
  p99Ms: number | null;
  maxMs: number | null;
  heapUsedKb: number | null;
  resources: Record<string, number> | null;
  gcMaxMs: number | null;
  gcMajorMaxMs: number | null;
  gcMsPerSecond: number | null;
}

function loopFigures(file: string, pid: number, fromMs: number, toMs: number): LoopFigures {
  // A sample covers the second before atMs: every sample that overlaps the window counts for the delay.
  const samples = loopSamples(file, pid).filter((sample) => sample.atMs > fromMs && sample.atMs < toMs + 1000);
  if (samples.length === 0)
    return { p99Ms: null, maxMs: null, heapUsedKb: null, resources: null, gcMaxMs: null, gcMajorMaxMs: null, gcMsPerSecond: null };
  const inside = samples.filter((sample) => sample.atMs <= toMs).at(-1) ?? samples[0];
  return {
    p99Ms: Math.max(...samples.map((s) => s.p99Ms)),
    maxMs: Math.max(...samples.map((s) => s.maxMs)),
    heapUsedKb: inside?.heapUsedKb ?? null,
    resources: inside?.resources ?? null,
    // Samples of a monitor without the GC fields (an older loop file) read as no collection.
    gcMaxMs: Math.max(...samples.map((s) => s.gcMaxMs ?? 0)),
    gcMajorMaxMs: Math.max(...samples.map((s) => s.gcMajorMaxMs ?? 0)),
    gcMsPerSecond: samples.reduce((sum, s) => sum + (s.gcMs ?? 0), 0) / samples.length,
  };
}

interface Measured {
  step: Omit<StepResult, 'chunk' | 'ttfb' | 'completed' | 'errors' | 'loopP99Ms' | 'loopMaxMs' | 'heapUsedKb' | 'resources' | 'gc'>;
  window: StepWindow;
}

async function measureTarget(target: Target, label: string, options: StreamOptions, loopFile: string): Promise<StreamTargetResult> {
  const streamMs = options.streamChunks * options.chunkIntervalMs;
  // Time for the target to finish its after-stream work (usage written, sockets closed) before RSS is read.
  const settleMs = options.mode === 'quick' ? 500 : 3000;
  const started = performance.now();
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  const load = new StreamLoad({
    url: target.url,
    headers: target.headers,
    headerVariants: target.headerVariants,
    body: chatRequestBody('stream'),
  });
  const result: StreamTargetResult = {
    name: target.name,
    label,
    steps: [],
    idleRssKb: null,
    idleHeapUsedKb: null,
    idleResources: null,
    afterRampRssKb: [],
    completed: 0,
    errors: 0,
    errorSamples: [],
    usageEvents: null,
    error: null,
  };
  try {
    // Warm-up: connections, JIT and pools, then the idle level memory should come back to.
    load.setConcurrency(Math.min(50, options.steps[0] ?? 50), streamMs / 2);
    await sleep(options.mode === 'quick' ? streamMs / 2 : streamMs);
    await load.drain();
    await sleep(settleMs);
    result.idleRssKb = readMemory(target.pid)?.rssKb ?? null;
    const idle = loopSamples(loopFile, target.pid).at(-1);
    result.idleHeapUsedKb = idle?.heapUsedKb ?? null;
    result.idleResources = idle?.resources ?? null;

    for (let ramp = 1; ramp <= options.ramps; ramp++) {
      const measured: Measured[] = [];
      let overwhelmed = false;
      for (const streams of options.steps) {
        const stepFromMs = wallClockMs();
        const window = newWindow(stepFromMs + streamMs, stepFromMs + options.holdS * 1000, stepFromMs);
        load.windows.push(window);
        load.setConcurrency(streams, streamMs);
        await sleep(window.fromMs - wallClockMs());
        const cpuBefore = readCpuTimes(target.pid);
        let streamSeconds = 0;
        let held = 0;
        let rssKb: number | null = null;
        for (let at = wallClockMs(); at < window.toMs; ) {
          await sleep(Math.min(SAMPLE_EVERY_MS, window.toMs - at));
          const now = wallClockMs();
          streamSeconds += (load.open * (now - at)) / 1000;
          held = Math.max(held, load.open);
          const memory = readMemory(target.pid);
          if (memory) rssKb = Math.max(rssKb ?? 0, memory.rssKb);
          at = now;
        }
        const cpuAfter = readCpuTimes(target.pid);
        measured.push({
          window,
          step: {
            ramp,
            streams,
            held: Math.max(held, window.peakOpen),
            rssKb,
            cpuMs: cpuBefore && cpuAfter ? cpuAfter.cpuMs - cpuBefore.cpuMs : null,
            streamSeconds,
          },
        });
        progress(
          `  ${elapsed()} ramp ${ramp}, ${streams} streams: held ${held}, ${window.completed} completed, ${window.errors} errors so far`,
        );
        if (window.errors > window.completed) {
          overwhelmed = true;
          progress(`  ${label}: more streams failed than completed at ${streams}: no higher step in this ramp`);
          break;
        }
      }
      await load.drain();
      await sleep(settleMs);
      // Late chunks of the last window have arrived, and the event-loop samples that overlap it: summarise each step.
      for (const { step, window } of measured) {
        const loop = loopFigures(loopFile, target.pid, window.fromMs, window.toMs);
        result.steps.push({
          ...step,
          completed: window.completed,
          errors: window.errors,
          chunk: spreadOf(window.chunkDelayUs),
          ttfb: spreadOf(window.ttfbUs),
          loopP99Ms: loop.p99Ms,
          loopMaxMs: loop.maxMs,
          heapUsedKb: loop.heapUsedKb,
          resources: loop.resources,
          gc:
            loop.gcMaxMs === null
              ? null
              : { maxMs: loop.gcMaxMs, majorMaxMs: loop.gcMajorMaxMs ?? 0, msPerSecond: loop.gcMsPerSecond ?? 0 },
        });
      }
      load.windows = [];
      const settled = readMemory(target.pid)?.rssKb;
      if (settled !== undefined) result.afterRampRssKb.push(settled);
      if (overwhelmed && options.steps.length > 1 && ramp === 1) result.error = 'overwhelmed before the last step';
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    result.completed = load.completed;
    result.errors = load.errors;
    result.errorSamples = load.errorSamples;
    await load.close().catch(() => undefined);
  }
  return result;
}

export async function runStreams(argv: string[]): Promise<number> {
  let options: StreamOptions | 'help';
  try {
    options = parseStreamOptions(argv);
  } catch (error) {
    progress(`${error instanceof Error ? error.message : String(error)}\n\n${STREAMS_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${STREAMS_USAGE}\n`);
    return 0;
  }
  const http2 = gatewaysOnHttp2(options);
  const needed = (streams: number): number => openFilesNeeded(streams, http2);
  const fileDescriptorLimit = raiseOpenFiles(needed(Math.max(...options.steps)));
  const skippedSteps = options.steps.filter((streams) => needed(streams) > fileDescriptorLimit);
  if (skippedSteps.length > 0) {
    const message =
      `open files allowed: ${fileDescriptorLimit}, and a gateway holding ${skippedSteps.join(', ')} streams needs ` +
      `${skippedSteps.map(needed).join(', ')} (${http2 ? 'a socket a stream' : 'two sockets a stream'}); run \`ulimit -n ` +
      `${needed(Math.max(...skippedSteps))}\` first (as root where the hard limit is lower)`;
    if (skippedSteps.length === options.steps.length) {
      progress(`--streams: ${message}, or lower --steps`);
      return 2;
    }
    progress(`WARNING: skipping steps ${skippedSteps.join(', ')}: ${message}`);
    options = { ...options, steps: options.steps.filter((streams) => !skippedSteps.includes(streams)) };
  }
  const layout = planCpuLayout(options.pin);
  pinHarness(layout);
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const session = new RunSession(layout.taskset, 'shuttle-streams-', progress);
  const { workDir, children } = session;
  const profileDir = options.profile ? join(RESULTS_DIR, `profile-streams-${stamp}`) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const loopFile = join(workDir, 'event-loop.jsonl');
  const targetEnv = {
    ...shuttleSettings(),
    NODE_OPTIONS: `--import ${pathToFileURL(LOOP_MONITOR).href}`,
    [LOOP_FILE_VARIABLE]: loopFile,
  };

  const loadBefore = loadavg()[0] ?? 0;
  try {
    progress(`layout: ${layout.description}; open files allowed: ${fileDescriptorLimit}`);
    const upstream = await launchFakeUpstream(children, layout, {
      latencyMs: 0,
      chunkIntervalMs: options.chunkIntervalMs,
      streamChunks: options.streamChunks,
      env: targetEnv,
    });
    // --upstream-http2: the same upstream speaking h2c, for Shuttle; the direct calls, the bare proxy and Portkey keep
    // the HTTP/1.1 one.
    const h2cUpstream = options.upstreamHttp2
      ? await launchFakeUpstream(children, layout, {
          latencyMs: 0,
          chunkIntervalMs: options.chunkIntervalMs,
          streamChunks: options.streamChunks,
          env: targetEnv,
          h2c: true,
        })
      : null;
    const context: LaunchContext = {
      children,
      layout,
      upstreamOrigin: upstream.origin,
      h2cUpstreamOrigin: h2cUpstream?.origin ?? null,
      profileDir,
      shuttleLogLevel: options.shuttleLogLevel,
      targetEnv,
      onCleanup: session.onCleanup,
    };
    const results: StreamTargetResult[] = [];
    const profiles: { target: string; summary: ProfileSummary }[] = [];
    for (const name of options.targets) {
      if (session.stopping) break;
      const label = TARGET_LABELS[name];
      let target: Target;
      const launchedAt = performance.now();
      try {
        target = name === 'upstream' ? directUpstreamTarget(upstream) : await LAUNCHERS[name](context);
      } catch (error) {
        const message = `could not start: ${error instanceof Error ? error.message : String(error)}`;
        progress(`${label}: ${message}`);
        results.push({
          name,
          label,
          steps: [],
          idleRssKb: null,
          idleHeapUsedKb: null,
          idleResources: null,
          afterRampRssKb: [],
          completed: 0,
          errors: 0,
          errorSamples: [],
          usageEvents: null,
          error: message,
        });
        continue;
      }
      progress(`\n${label} (pid ${target.pid}, started in ${((performance.now() - launchedAt) / 1000).toFixed(1)} s)`);
      const result = await measureTarget(target, label, options, loopFile);
      try {
        const notes = await target.stop();
        if (typeof notes.usageEvents === 'number') result.usageEvents = notes.usageEvents;
        // node --cpu-prof names its file CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, written on exit.
        const profile = profileDir && readdirSync(profileDir).find((file) => file.split('.')[3] === String(target.pid));
        if (profileDir && profile) profiles.push({ target: label, summary: summariseProfile(join(profileDir, profile)) });
      } catch (error) {
        result.error ??= `stop: ${error instanceof Error ? error.message : String(error)}`;
      }
      results.push(result);
    }
    const report: StreamsReport = {
      environment: {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: ['npm run bench --', ...argv].join(' '),
        mode: options.mode,
        layout: layout.description,
        node: process.version,
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        loadAverage: { before: loadBefore, after: loadavg()[0] ?? 0 },
        fileDescriptorLimit,
        skippedSteps,
        steps: options.steps,
        holdS: options.holdS,
        ramps: options.ramps,
        streamChunks: options.streamChunks,
        chunkIntervalMs: options.chunkIntervalMs,
        portkeyVersion: options.targets.includes('portkey') ? portkeyEntry().version : null,
      },
      results,
      profiles,
    };
    const file = join(RESULTS_DIR, `streams-${stamp}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(renderStreamsReport(report, relative(process.cwd(), file) || file));
    return 0;
  } finally {
    await session.cleanUp();
  }
}

// Launches the benchmark's own servers as processes: the fake upstream (also a target, called directly) and the bare proxy.
import { fileURLToPath } from 'node:url';
import { type ChildProcesses, type ManagedProcess, waitForReadyLine } from './child-processes.js';
import type { CpuLayout } from './cpu-layout.js';
import { childEnv, type LaunchContext, type Target } from './target.js';

export interface FakeUpstreamSettings {
  latencyMs: number;
  chunkIntervalMs: number;
  /** Content chunks of a scheduled stream (--streams); 0 for the fixed answer. */
  streamChunks?: number;
  /** Extra environment (the event-loop monitor of --streams). */
  env?: Record<string, string>;
  /** HTTP/2 without TLS (h2c) instead of HTTP/1.1. */
  h2c?: boolean;
}

export interface LaunchedUpstream {
  origin: string;
  process: ManagedProcess;
}

const script = (name: string): string => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

export async function launchFakeUpstream(
  children: ChildProcesses,
  layout: CpuLayout,
  settings: FakeUpstreamSettings,
): Promise<LaunchedUpstream> {
  const args = [
    script('fake-upstream'),
    '--latency-ms',
    String(settings.latencyMs),
    '--chunk-interval-ms',
    String(settings.chunkIntervalMs),
    '--stream-chunks',
    String(settings.streamChunks ?? 0),
    ...(settings.h2c ? ['--h2c'] : []),
  ];
  const env = childEnv(settings.env ?? {});
  const managed = children.spawn(settings.h2c ? 'fake upstream (h2c)' : 'fake upstream', process.execPath, args, {
    cores: layout.upstream,
    env,
  });
  const port = await waitForReadyLine(managed);
  return { origin: `http://127.0.0.1:${port}`, process: managed };
}

/** The upstream called with no proxy in between: the reference every "added" figure is measured against. */
export function directUpstreamTarget(upstream: LaunchedUpstream): Target {
  return {
    name: 'upstream',
    url: `${upstream.origin}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    headerVariants: [],
    pid: upstream.process.pid,
    stop: async () => ({}),
  };
}

export async function launchBareProxy(context: LaunchContext): Promise<Target> {
  const managed = context.children.spawn('bare proxy', process.execPath, [script('bare-proxy'), '--upstream', context.upstreamOrigin], {
    cores: context.layout.target,
    env: childEnv(context.targetEnv),
  });
  const port = await waitForReadyLine(managed);
  return {
    name: 'bare',
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
    headerVariants: [],
    pid: managed.pid,
    stop: async () => {
      await managed.stop();
      return {};
    },
  };
}

// Which cores each process runs on, so that runs are comparable: the measured gateway never shares its core.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuLayout {
  /** The taskset executable, or null when processes run unpinned. */
  taskset: string | null;
  /** The load generator and the harness itself (TTFB client, RSS sampler). */
  load: string | null;
  /** The fake upstream. */
  upstream: string | null;
  /** The gateway being measured (bare proxy, Portkey or Shuttle). */
  target: string | null;
  description: string;
}

function findTaskset(): string | null {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return 'taskset';
  } catch {
    return null;
  }
}

export function planCpuLayout(pin: boolean): CpuLayout {
  const cores = availableParallelism();
  const taskset = pin ? findTaskset() : null;
  if (taskset === null || cores < 2) {
    const why = !pin ? '--no-pin' : taskset === null ? 'taskset not found' : 'one core';
    return { taskset: null, load: null, upstream: null, target: null, description: `unpinned (${why})` };
  }
  if (cores === 2) {
    return {
      taskset,
      load: '0',
      upstream: '0',
      target: '1',
      description: 'cpu0: load generator + harness + fake upstream; cpu1: the gateway under test',
    };
  }
  return {
    taskset,
    load: '0',
    upstream: '1',
    target: '2',
    description: 'cpu0: load generator + harness; cpu1: fake upstream; cpu2: the gateway under test',
  };
}

/** Moves this process (all its threads) onto the load generator's cores, off the gateway's. */
export function pinHarness(layout: CpuLayout): void {
  if (layout.taskset === null || layout.load === null) return;
  execFileSync(layout.taskset, ['-a', '-p', '-c', layout.load, String(process.pid)], { stdio: 'ignore' });
}

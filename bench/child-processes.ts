// Every process the benchmark starts, pinned to its cores, tracked so that all of them stop on errors and Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ReadyLine } from './process-entry.js';

export interface SpawnOptions {
  /** CPU list for taskset (e.g. "1"); null runs unpinned. */
  cores: string | null;
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface ManagedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  exited: Promise<number | string>;
  /** The last few kilobytes the process wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Sends `signal`, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string>;
}

const TAIL_BYTES = 4096;

export class ChildProcesses {
  private readonly running = new Set<ManagedProcess>();
  private closed = false;

  constructor(private readonly taskset: string | null) {}

  spawn(name: string, command: string, args: readonly string[], options: SpawnOptions): ManagedProcess {
    if (this.closed) throw new Error(`not starting ${name}: the benchmark is stopping`);
    // taskset execs the command, so the pid we get is the pid of the process we measure.
    const [file, argv] =
      options.cores !== null && this.taskset !== null ? [this.taskset, ['-c', options.cores, command, ...args]] : [command, [...args]];
    const child = spawn(file, argv, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      tail = (tail + text).slice(-TAIL_BYTES);
    });
    const exited = new Promise<number | string>((resolve) => {
      child.once('exit', (code, signal) => {
        this.running.delete(managed);
        resolve(code ?? signal ?? 'unknown');
      });
    });
    const managed: ManagedProcess = {
      name,
      pid: child.pid,
      child,
      exited,
      stderrTail: () => tail.trim(),
      stop: async (signal = 'SIGTERM', graceMs = 10_000) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      },
    };
    this.running.add(managed);
    return managed;
  }

  /** Stops every process still running, most recent first (gateways before the upstream they call); starts no more. */
  async stopAll(): Promise<void> {
    this.closed = true;
    for (const managed of [...this.running].reverse()) await managed.stop('SIGTERM', 5_000);
  }

  /** Last resort on process exit, when nothing can be awaited any more. */
  killAllNow(): void {
    for (const managed of this.running) managed.child.kill('SIGKILL');
  }
}

/** Waits for the `{"port":N}` line that the benchmark's own servers print once they listen. */
export function waitForReadyLine(managed: ManagedProcess, timeoutMs = 15_000): Promise<number> {
  const stdout = managed.child.stdout;
  if (!stdout) return Promise.reject(new Error(`${managed.name} has no stdout`));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    const finish = (error: Error | undefined, port?: number): void => {
      clearTimeout(timer);
      lines.close();
      if (error) reject(error);
      else resolve(port as number);
    };
    const timer = setTimeout(
      () => finish(new Error(`${managed.name} did not start in ${timeoutMs} ms: ${managed.stderrTail()}`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      try {
        const ready = JSON.parse(line) as Partial<ReadyLine>;
        if (typeof ready.port === 'number') finish(undefined, ready.port);
      } catch {
        // Not the ready line.
      }
    });
    managed.exited.then((code) => finish(new Error(`${managed.name} exited (${code}) before it was ready: ${managed.stderrTail()}`)));
  });
}

/** Polls `url` until it answers with a status below 500, or fails when the process exits or time runs out. */
export async function waitForHttp(managed: ManagedProcess, url: string, timeoutMs = 30_000): Promise<void> {
  let exit: number | string | undefined;
  managed.exited.then((code) => {
    exit = code;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${managed.name} exited (${exit}) before it answered: ${managed.stderrTail()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${managed.name} did not answer ${url} within ${timeoutMs} ms: ${managed.stderrTail()}`);
}

/** Collects a process's whole stdout (for short commands such as `shuttle bootstrap --json`). */
export async function collectStdout(managed: ManagedProcess): Promise<string> {
  let text = '';
  managed.child.stdout?.setEncoding('utf8');
  managed.child.stdout?.on('data', (piece: string) => {
    text += piece;
  });
  const code = await managed.exited;
  if (code !== 0) throw new Error(`${managed.name} exited with ${code}: ${managed.stderrTail()}`);
  return text;
}

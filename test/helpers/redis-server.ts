// A throwaway redis-server of the test's own, on a free port, that a test can kill (SIGKILL), freeze (SIGSTOP) and
// start again on the same port — never the shared Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './free-port.js';

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILL: the process dies at once, with its data (no persistence). */
  kill(): Promise<void>;
  /** SIGSTOP: the process stays, its connections open, and answers nothing until thaw(). */
  freeze(): void;
  thaw(): void;
  /** Starts a new process on the same port (after kill, or before the first start with `started: false`). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startOwnRedis(options: { started?: boolean } = {}): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const process = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = process;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 15_000);
      process.stdout?.on('data', (data) => {
        output += data;
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      process.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${output}`));
      });
    });
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGCONT');
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  if (options.started !== false) await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    start,
    close: kill,
  };
}

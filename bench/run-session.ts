// What a benchmark run holds while it runs — its child processes, a temporary directory and the targets' clean-ups —
// all stopped and removed at the end, or on SIGINT or SIGTERM (exit code 130); the processes are killed at any exit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChildProcesses } from './child-processes.js';

export class RunSession {
  readonly workDir: string;
  readonly children: ChildProcesses;
  private readonly cleanups: (() => Promise<void>)[] = [];
  /** Set once the run is being stopped: no more work is started. */
  stopping = false;

  constructor(taskset: string | null, workDirPrefix: string, progress: (line: string) => void) {
    this.workDir = mkdtempSync(join(tmpdir(), workDirPrefix));
    this.children = new ChildProcesses(taskset);
    const interrupted = (signal: NodeJS.Signals): void => {
      progress(`\n${signal}: stopping every process and cleaning up…`);
      this.cleanUp().finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    process.once('exit', () => this.children.killAllNow());
  }

  /** A target's clean-up (LaunchContext.onCleanup): run at the end, or at once when the run is already stopping. */
  readonly onCleanup = (cleanup: () => Promise<void>): void => {
    if (this.stopping) cleanup().catch(() => undefined);
    else this.cleanups.push(cleanup);
  };

  async cleanUp(): Promise<void> {
    this.stopping = true;
    await this.children.stopAll();
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

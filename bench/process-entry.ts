// How the benchmark's own servers run as processes: "am I the script node was started with", and the ready line.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isProcessEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

/** The one line a server prints on stdout once it listens; launchers wait for it. */
export interface ReadyLine {
  port: number;
}

export function announceReady(port: number): void {
  process.stdout.write(`${JSON.stringify({ port } satisfies ReadyLine)}\n`);
}

/** Reads `--name value` from argv as a non-negative integer, or the fallback. */
export function integerArgument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index === -1) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

export function stringArgument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Stops on SIGTERM/SIGINT by closing what `close` closes, then exiting. */
export function exitOnSignals(close: () => Promise<void>): void {
  const stop = (): void => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// Runs the real `shuttle` CLI (from source, through tsx) in a child process.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const entry = join(root, 'src/cli/bin.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A clean environment: nothing from the developer's shell leaks in, and the working directory is empty. */
export function cliEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

export function spawnShuttle(
  args: string[],
  env: Record<string, string>,
  cwd = mkdtempSync(join(tmpdir(), 'shuttle-cli-')),
  nodeFlags: readonly string[] = [],
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeFlags, '--import', tsxLoader, entry, ...args], { cwd, env: cliEnv(env) });
}

export function runShuttle(args: string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  const child = spawnShuttle(args, env, cwd);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => {
    stdout += data;
  });
  child.stderr.on('data', (data) => {
    stderr += data;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with everything printed so far once `pattern` appears on stdout. */
export function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; stdout: ${seen}; stderr: ${errors}`)), timeoutMs);
    child.stderr.on('data', (data) => {
      errors += data;
    });
    child.stdout.on('data', (data) => {
      seen += data;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ${pattern}; stdout: ${seen}; stderr: ${errors}`));
    });
  });
}

/**
 * `shuttle serve` on a free port of 127.0.0.1, logging at info, resolved once it listens: the process and its URL.
 * `env` adds to (and may override) those settings.
 */
export async function serveShuttle(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawnShuttle(['serve'], { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env });
  const output = await waitForOutput(child, /"url":"http:\/\/[^"]+"/, timeoutMs);
  return { child, url: String(/"url":"(http:\/\/[^"]+)"/.exec(output)?.[1]).replace('localhost', '127.0.0.1') };
}

export function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

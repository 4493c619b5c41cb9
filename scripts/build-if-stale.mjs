// Rebuilds an output when it is missing or older than its sources: used by `npm start`, the browser tests'
// global setup and the screenshot script, so each runs against a current server and dashboard.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Runs the build when `output` is missing or older than any of `sources` (paths relative to the repository). */
export function buildIfStale(name, sources, output, command, args) {
  const built = existsSync(output) ? statSync(output).mtimeMs : 0;
  const changed = Math.max(...sources.map((source) => newestMtime(join(root, source))));
  if (built >= changed) return false;
  process.stderr.write(`shuttle: building ${name}…\n`);
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build: always build for production.
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  return true;
}

export function buildServerIfStale() {
  return buildIfStale(
    'the server',
    ['src', 'tsconfig.json', 'tsconfig.build.json'],
    join(root, 'dist', 'cli', 'bin.js'),
    join(root, 'node_modules', '.bin', 'tsc'),
    ['-p', 'tsconfig.build.json'],
  );
}

export function buildDashboardIfStale() {
  return buildIfStale(
    'the dashboard',
    ['web', 'package-lock.json'],
    join(root, 'web', 'dist', 'index.html'),
    join(root, 'node_modules', '.bin', 'vite'),
    ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
  );
}

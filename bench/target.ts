// What the harness knows about a system under test: where to send chat requests, with which headers, and its pid.
import { createServer } from 'node:net';
import type { ChildProcesses } from './child-processes.js';
import type { CpuLayout } from './cpu-layout.js';

export const TARGET_NAMES = [
  'upstream',
  'bare',
  'portkey',
  'shuttle-sqlite',
  'shuttle-postgres',
  'shuttle-sqlite-cache-hit',
  'shuttle-redis-cache-hit',
  'shuttle-sqlite-metadata',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Targets measured only when --only names them: cache hits answer without the upstream, a different question. */
export const ON_REQUEST_TARGETS: readonly TargetName[] = ['shuttle-sqlite-cache-hit', 'shuttle-redis-cache-hit'];

export const TARGET_LABELS: Record<TargetName, string> = {
  upstream: 'upstream (direct)',
  bare: 'bare proxy',
  portkey: 'Portkey',
  'shuttle-sqlite': 'Shuttle (SQLite)',
  'shuttle-postgres': 'Shuttle (PostgreSQL)',
  'shuttle-sqlite-cache-hit': 'Shuttle cache hit (SQLite store)',
  'shuttle-redis-cache-hit': 'Shuttle cache hit (Redis store)',
  'shuttle-sqlite-metadata': 'Shuttle (SQLite, log metadata)',
};

export interface Target {
  name: TargetName;
  /** The chat completions endpoint. */
  url: string;
  headers: Record<string, string>;
  /** Per-request headers rotated by the load generator (e.g. end customers); empty when every request is the same. */
  headerVariants: Record<string, string>[];
  /** The process whose memory is reported: the one running now, if the target was restarted. */
  readonly pid: number;
  /**
   * Stops the process (gracefully: what it holds is written) and starts a new one on the same database, with a
   * cold JIT and heap of its own; absent for targets that cannot be. See `npm run bench`'s level check.
   */
  restart?(): Promise<void>;
  /** Stops the target; resolves with facts worth reporting (e.g. usage events written). */
  stop(): Promise<Record<string, unknown>>;
}

export interface LaunchContext {
  children: ChildProcesses;
  layout: CpuLayout;
  /** The fake upstream's origin, e.g. http://127.0.0.1:41234. */
  upstreamOrigin: string;
  /** The same fake upstream speaking h2c, which Shuttle is pointed at (SHUTTLE_UPSTREAM_HTTP2=cleartext); null: none. */
  h2cUpstreamOrigin?: string | null;
  /** Where `node --cpu-prof` writes Shuttle's profile; null when not profiling. */
  profileDir: string | null;
  shuttleLogLevel: string;
  /** Extra environment for every target process (--streams: the event-loop monitor); empty otherwise. */
  targetEnv: Record<string, string>;
  /** Registers work that must happen even if the run is interrupted (dropping a database schema). */
  onCleanup(cleanup: () => Promise<void>): void;
}

/** A minimal environment: nothing from the developer's shell (DATABASE_URL, .env values…) leaks into a target. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...extra };
}

/**
 * Shuttle's settings from the harness's own environment (SHUTTLE_REQUEST_LOG_DEFAULT=off, SHUTTLE_USAGE_BATCH_SIZE…),
 * passed on to Shuttle so that one setting can be compared with another; the launcher's own (the database, the
 * secret) still win.
 */
export function shuttleSettings(): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (name.startsWith('SHUTTLE_') && value !== undefined) settings[name] = value;
  return settings;
}

/** A port that was free a moment ago, for servers that cannot report the port they picked. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

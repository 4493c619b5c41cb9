// `npm run bench -- --streams [options]` → the plan of a concurrent-streams run (issue 29).
import { parseArgs } from 'node:util';

export const STREAM_TARGETS = ['upstream', 'bare', 'portkey', 'shuttle-sqlite', 'shuttle-postgres'] as const;
export type StreamTargetName = (typeof STREAM_TARGETS)[number];

export interface StreamOptions {
  mode: 'quick' | 'full';
  /** In run order, the direct upstream first: every "added" figure is relative to it. */
  targets: StreamTargetName[];
  /** Concurrent streams of each step of a ramp. */
  steps: number[];
  /** Seconds each step is held; the first stream length ramps in, the rest is measured. */
  holdS: number;
  /** Ramps per target: memory must settle at the same level after each. */
  ramps: number;
  streamChunks: number;
  chunkIntervalMs: number;
  pin: boolean;
  /** Shuttle under node --cpu-prof: where its CPU goes while it holds the streams. */
  profile: boolean;
  shuttleLogLevel: string;
  /** Shuttle reaches the fake upstream over h2c (SHUTTLE_UPSTREAM_HTTP2=cleartext); the others stay on HTTP/1.1. */
  upstreamHttp2: boolean;
}

export const STREAMS_USAGE = `Usage: npm run bench -- --streams [options]

  --quick                  steps 200 and 500, 20-chunk streams (1 s), one ramp: under a minute
  --only <names>           comma-separated targets: ${STREAM_TARGETS.join(', ')} (the direct upstream always runs)
  --steps <n,n,…>          concurrent streams per step (default 1000,2500,5000,10000; quick 200,500)
  --hold <s>               seconds per step, the first stream length ramping in (default 3 stream lengths; quick 2)
  --ramps <n>              ramps per target, to see memory settle after each (default 3; quick 1)
  --stream-chunks <n>      content chunks per stream (default 40; quick 20)
  --chunk-interval-ms <n>  between chunks (default 50)
  --shuttle-log-level <l>  Shuttle's LOG_LEVEL (default warn)
  --upstream-http2         Shuttle reaches its provider over HTTP/2 (h2c, SHUTTLE_UPSTREAM_HTTP2=cleartext): ~100 streams
                           a connection instead of one; the bare proxy and Portkey stay on HTTP/1.1
  --profile                run Shuttle under node --cpu-prof (profile in bench/results/) and print where its time went
  --no-pin                 do not pin processes to cores with taskset
  --help`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive integer`);
  return number;
}

export function parseStreamOptions(argv: string[]): StreamOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      streams: { type: 'boolean', default: false },
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      steps: { type: 'string' },
      hold: { type: 'string' },
      ramps: { type: 'string' },
      'stream-chunks': { type: 'string' },
      'chunk-interval-ms': { type: 'string' },
      'shuttle-log-level': { type: 'string', default: 'warn' },
      'no-pin': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'upstream-http2': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick;
  const requested = values.only === undefined ? [...STREAM_TARGETS] : values.only.split(',').map((name) => name.trim());
  for (const name of requested) {
    if (!(STREAM_TARGETS as readonly string[]).includes(name))
      throw new Error(`--only: unknown target "${name}" (known: ${STREAM_TARGETS.join(', ')})`);
  }
  const steps =
    values.steps === undefined
      ? quick
        ? [200, 500]
        : [1000, 2500, 5000, 10_000]
      : values.steps.split(',').map((s) => positive('steps', s.trim(), 0));
  const streamChunks = positive('stream-chunks', values['stream-chunks'], quick ? 20 : 40);
  const chunkIntervalMs = positive('chunk-interval-ms', values['chunk-interval-ms'], 50);
  const streamS = (streamChunks * chunkIntervalMs) / 1000;
  const holdS = positive('hold', values.hold, Math.ceil(streamS * (quick ? 2 : 3)));
  if (holdS <= streamS) throw new Error(`--hold must be longer than one stream (${streamS} s): the first stream length ramps in`);
  return {
    mode: quick ? 'quick' : 'full',
    targets: STREAM_TARGETS.filter((name) => name === 'upstream' || requested.includes(name)),
    steps,
    holdS,
    ramps: positive('ramps', values.ramps, quick ? 1 : 3),
    streamChunks,
    chunkIntervalMs,
    pin: !values['no-pin'],
    profile: values.profile,
    shuttleLogLevel: values['shuttle-log-level'],
    upstreamHttp2: values['upstream-http2'],
  };
}

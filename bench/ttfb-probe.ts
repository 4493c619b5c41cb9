// Time to first byte of streamed answers: one connection, requests one after another, timed from send to first chunk.
import { Client } from 'undici';

export interface TtfbSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  samples: number;
  /** Stop early after this long (a slow target still gets a bounded probe). */
  maxSeconds: number;
}

export interface TtfbSamples {
  firstByteMs: number[];
  /** Time to the end of the stream, for comparison. */
  totalMs: number[];
  /** Answers that were not a complete 200 stream ending in [DONE]. */
  failures: number;
}

export interface TtfbResult {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  totalP50Ms: number;
  failures: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

async function timeOne(client: Client, path: string, spec: TtfbSpec): Promise<{ firstByteMs: number; totalMs: number } | undefined> {
  const started = performance.now();
  const response = await client.request({ path, method: 'POST', headers: spec.headers, body: spec.body });
  let firstByteMs: number | undefined;
  let tail = '';
  for await (const chunk of response.body) {
    firstByteMs ??= performance.now() - started;
    tail = (tail + (chunk as Buffer).toString('latin1')).slice(-64);
  }
  const totalMs = performance.now() - started;
  if (response.statusCode !== 200 || firstByteMs === undefined || !tail.includes('[DONE]')) return undefined;
  return { firstByteMs, totalMs };
}

export async function probeTtfb(spec: TtfbSpec): Promise<TtfbSamples> {
  const url = new URL(spec.url);
  const client = new Client(url.origin, { pipelining: 1, keepAliveTimeout: 60_000 });
  const samples: TtfbSamples = { firstByteMs: [], totalMs: [], failures: 0 };
  try {
    const deadline = performance.now() + spec.maxSeconds * 1000;
    while (samples.firstByteMs.length + samples.failures < spec.samples && performance.now() < deadline) {
      const timing = await timeOne(client, url.pathname, spec);
      if (timing === undefined) {
        samples.failures += 1;
        continue;
      }
      samples.firstByteMs.push(timing.firstByteMs);
      samples.totalMs.push(timing.totalMs);
    }
  } finally {
    await client.close();
  }
  return samples;
}

export function summariseTtfb(samples: TtfbSamples): TtfbResult {
  const firstBytes = [...samples.firstByteMs].sort((a, b) => a - b);
  const totals = [...samples.totalMs].sort((a, b) => a - b);
  return {
    samples: firstBytes.length,
    p50Ms: percentile(firstBytes, 50),
    p99Ms: percentile(firstBytes, 99),
    meanMs: firstBytes.reduce((sum, value) => sum + value, 0) / Math.max(1, firstBytes.length),
    totalP50Ms: percentile(totals, 50),
    failures: samples.failures,
  };
}

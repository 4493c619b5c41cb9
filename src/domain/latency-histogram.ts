// Latency as a fixed histogram: rollups store one count per bucket, so percentiles over any set of rollup rows are
// sums of columns (portable SQL) followed by an interpolation here. Estimates, exact to within a bucket.

/** Upper bounds in milliseconds; the last bucket is everything slower. */
export const LATENCY_BUCKETS_MS = [
  5, 10, 25, 50, 75, 100, 150, 250, 400, 600, 800, 1000, 1500, 2000, 3000, 5000, 8000, 13_000, 20_000, 30_000, 60_000,
] as const;

export const HISTOGRAM_SIZE = LATENCY_BUCKETS_MS.length + 1;

export const histogramColumns = Array.from({ length: HISTOGRAM_SIZE }, (_, i) => `h${i}` as const);
export type HistogramColumn = (typeof histogramColumns)[number];

export function bucketOf(latencyMs: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (latencyMs <= (LATENCY_BUCKETS_MS[i] as number)) return i;
  return LATENCY_BUCKETS_MS.length;
}

/**
 * The q-quantile (0 < q < 1) of a histogram, interpolated linearly inside its bucket; null when empty.
 *
 * Interpolation alone can contradict the exact average: requests of 0–1 ms all sit in the first bucket (0–5 ms),
 * whose middle is 3 ms, beside an average of 0 ms. So, given the exact mean, the estimate is capped by what the mean
 * allows: latencies are whole milliseconds ≥ 0, and at least a share 1 − q of them are ≥ the q-quantile, so it is
 * at most ⌊mean / (1 − q)⌋ (Markov's inequality). Requests that all took 0 ms then have every percentile 0. And when
 * every request sits in one bucket, the mean is that bucket's own: the bucket is narrowed to a span centred on it.
 */
export function percentile(counts: readonly number[], q: number, meanMs?: number): number | null {
  const estimate = interpolatedPercentile(counts, q, meanMs);
  if (estimate === null || meanMs === undefined) return estimate;
  return Math.min(estimate, Math.floor(meanMs / (1 - q) + 1e-9));
}

function interpolatedPercentile(counts: readonly number[], q: number, meanMs: number | undefined): number | null {
  const occupied = counts.filter((count) => count > 0).length;
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (count > 0 && seen + count >= rank) {
      let lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      let upper = LATENCY_BUCKETS_MS[i] ?? lower * 2;
      if (occupied === 1 && meanMs !== undefined && meanMs >= lower && meanMs <= upper) {
        const halfSpan = Math.min(meanMs - lower, upper - meanMs);
        [lower, upper] = [meanMs - halfSpan, meanMs + halfSpan];
      }
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS.at(-1) as number;
}

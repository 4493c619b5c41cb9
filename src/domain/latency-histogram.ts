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

/** The q-quantile (0 < q < 1) of a histogram, interpolated linearly inside its bucket; null when empty. */
export function percentile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] as number;
    if (count > 0 && seen + count >= rank) {
      const lower = i === 0 ? 0 : (LATENCY_BUCKETS_MS[i - 1] as number);
      const upper = LATENCY_BUCKETS_MS[i] ?? lower * 2;
      return Math.round(lower + ((rank - seen) / count) * (upper - lower));
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS.at(-1) as number;
}

// Budget periods in UTC: a day, a calendar month, or all time; each has a bucket name and a range of rollup days.

import type { CostPeriod } from '../../domain/limits.js';
import { DAY_MS } from '../../store/repositories/usage-rollups.js';

export interface PeriodBucket {
  period: CostPeriod;
  /** `2026-11-23`, `2026-11` or `all`. */
  bucket: string;
  /** The rollup days it covers: [fromDay, toDay). */
  fromDay: number;
  toDay: number;
  /** How long its counter is worth keeping after it starts; null for all time. */
  ttlMs: number | null;
}

// Every admission asks for the buckets of "now": they are computed once per UTC day.
let memo: { day: number; buckets: Record<CostPeriod, PeriodBucket> } | undefined;

export function periodBucket(period: CostPeriod, now: number): PeriodBucket {
  const day = Math.floor(now / DAY_MS);
  if (memo?.day !== day) {
    const buckets = {
      day: Object.freeze(computeBucket('day', now)),
      month: Object.freeze(computeBucket('month', now)),
      total: Object.freeze(computeBucket('total', now)),
    };
    memo = { day, buckets };
  }
  return memo.buckets[period];
}

function computeBucket(period: CostPeriod, now: number): PeriodBucket {
  const date = new Date(now);
  if (period === 'day') {
    const day = Math.floor(now / DAY_MS);
    return { period, bucket: date.toISOString().slice(0, 10), fromDay: day, toDay: day + 1, ttlMs: 2 * DAY_MS };
  }
  if (period === 'month') {
    const start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    const end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
    return { period, bucket: date.toISOString().slice(0, 7), fromDay: start / DAY_MS, toDay: end / DAY_MS, ttlMs: 32 * DAY_MS };
  }
  // An upper bound that fits the 32-bit `day` column: the year 29349.
  return { period, bucket: 'all', fromDay: 0, toDay: 10_000_000, ttlMs: null };
}

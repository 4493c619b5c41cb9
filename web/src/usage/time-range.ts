// The time ranges the dashboard offers, as the usage API's from/to/groupBy: whole UTC days where possible (fast
// rollups), hours for the last 24 hours.
import type { GroupBy, UsageReport, UsageRow } from '../api/types';

export type RangeName = '24h' | '7d' | '30d';

export const RANGES: Array<{ name: RangeName; label: string }> = [
  { name: '24h', label: '24 hours' },
  { name: '7d', label: '7 days' },
  { name: '30d', label: '30 days' },
];

export interface TimeRange {
  from: string;
  to: string;
  groupBy: Extract<GroupBy, 'hour' | 'day'>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

export function isRangeName(value: string | null): value is RangeName {
  return value === '24h' || value === '7d' || value === '30d';
}

export function timeRange(name: RangeName, now = Date.now()): TimeRange {
  if (name === '24h') {
    const end = Math.floor(now / HOUR) * HOUR + HOUR;
    return { from: new Date(end - 24 * HOUR).toISOString(), to: new Date(end).toISOString(), groupBy: 'hour' };
  }
  const days = name === '7d' ? 7 : 30;
  const tomorrow = Math.floor(now / DAY) * DAY + DAY;
  return { from: utcDate(tomorrow - days * DAY), to: utcDate(tomorrow), groupBy: 'day' };
}

export interface SeriesPoint {
  bucket: string;
  requests: number;
  errors: number;
  costUsd: number;
  totalTokens: number;
}

/** One point per hour or day of the range, zero where nothing happened, so charts show quiet periods. */
export function fillSeries(rows: UsageRow[], range: { from: string; to: string; groupBy: 'hour' | 'day' }): SeriesPoint[] {
  const step = range.groupBy === 'hour' ? HOUR : DAY;
  const parse = (value: string) => Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  const byStart = new Map<number, UsageRow>();
  for (const row of rows) {
    const bucket = range.groupBy === 'hour' ? row.hour : row.day;
    if (bucket) byStart.set(Math.floor(parse(bucket) / step) * step, row);
  }
  const points: SeriesPoint[] = [];
  const end = parse(range.to);
  for (let start = Math.floor(parse(range.from) / step) * step; start < end; start += step) {
    const row = byStart.get(start);
    points.push({
      bucket: range.groupBy === 'hour' ? new Date(start).toISOString() : utcDate(start),
      requests: row?.requests ?? 0,
      errors: row?.errors ?? 0,
      costUsd: row?.costUsd ?? 0,
      totalTokens: row?.totalTokens ?? 0,
    });
  }
  return points;
}

/** A time-grouped report's series over its own range: right even when it is an older report kept on screen. */
export function seriesOf(report: UsageReport): SeriesPoint[] {
  return fillSeries(report.data, { from: report.from, to: report.to, groupBy: report.groupBy === 'hour' ? 'hour' : 'day' });
}

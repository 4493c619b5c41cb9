// The Usage page's time range as it lives in the URL: a preset (?range=7d) or a custom range (?from=…&to=…, ISO
// instants), with the grouping that suits it when none is chosen.
import { isRangeName, type RangeName, type TimeRange, timeRange } from '../../usage/time-range';

export type RangeChoice = RangeName | 'custom';

const TWO_DAYS_MS = 2 * 86_400_000;

function asInstant(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value;
}

export function usageRangeOf(params: URLSearchParams, now = Date.now()): { choice: RangeChoice; range: TimeRange } {
  const from = params.get('from');
  const to = params.get('to');
  if (from || to) {
    const preset = timeRange('7d', now);
    const span = { from: from || asInstant(preset.from), to: to || new Date(now).toISOString() };
    // Hours read well up to two days; beyond, days (the API allows hours up to 31 days).
    const groupBy = Date.parse(span.to) - Date.parse(span.from) <= TWO_DAYS_MS ? 'hour' : 'day';
    return { choice: 'custom', range: { ...span, groupBy } };
  }
  const name = params.get('range');
  const preset: RangeName = isRangeName(name) ? name : '7d';
  return { choice: preset, range: timeRange(preset, now) };
}

/** The URL changes that turn a preset into a custom range starting as that preset, so nothing changes until a date does. */
export function customFrom(range: TimeRange): Record<string, string> {
  return { range: '', from: new Date(asInstant(range.from)).toISOString(), to: new Date(asInstant(range.to)).toISOString() };
}

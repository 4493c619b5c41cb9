// The Usage page's time axis and range: hours over several days carry their date, and a custom range in the URL
// picks hours up to two days and days beyond.
import { describe, expect, it } from 'vitest';
import { customFrom, usageRangeOf } from '../../web/src/pages/usage/usage-range.js';
import { bucketFormatter } from '../../web/src/usage/axis-format.js';

describe('the usage chart axis', () => {
  it('labels hours with their date when they span several days', () => {
    const format = bucketFormatter(['2026-12-03T22:00:00.000Z', '2026-12-04T12:00:00.000Z', '2026-12-05T12:00:00.000Z']);
    const label = format('2026-12-04T12:00:00.000Z');
    expect(label).toMatch(/Dec/);
    expect(label).toMatch(/\d{1,2}:00/);
  });

  it('labels hours of one day by the hour alone, and days by their date', () => {
    const sameDay = ['2026-12-04T10:00:00.000Z'];
    expect(bucketFormatter(sameDay)(sameDay[0] as string)).not.toMatch(/Dec/);
    expect(bucketFormatter(['2026-12-03', '2026-12-04'])('2026-12-04')).toMatch(/Dec 4/);
  });
});

describe('the usage range in the URL', () => {
  const now = Date.parse('2026-12-06T09:30:00Z');

  it('reads a preset, 7 days by default, grouped by day', () => {
    expect(usageRangeOf(new URLSearchParams(''), now)).toEqual({
      choice: '7d',
      range: { from: '2026-11-30', to: '2026-12-07', groupBy: 'day' },
    });
    expect(usageRangeOf(new URLSearchParams('range=24h'), now).range.groupBy).toBe('hour');
  });

  it('reads a custom range, by hour up to two days and by day beyond', () => {
    const short = usageRangeOf(new URLSearchParams('from=2026-12-05T09:00:00.000Z&to=2026-12-06T09:00:00.000Z'), now);
    expect(short).toEqual({
      choice: 'custom',
      range: { from: '2026-12-05T09:00:00.000Z', to: '2026-12-06T09:00:00.000Z', groupBy: 'hour' },
    });
    const long = usageRangeOf(new URLSearchParams('from=2026-11-01T00:00:00.000Z'), now);
    expect(long.range).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-06T09:30:00.000Z', groupBy: 'day' });
  });

  it('starts a custom range as the preset it replaces', () => {
    expect(customFrom({ from: '2026-11-30', to: '2026-12-07', groupBy: 'day' })).toEqual({
      range: '',
      from: '2026-11-30T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
    });
  });
});

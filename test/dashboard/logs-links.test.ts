// Usage rows and the customer page link to the Logs page with the matching filters; a usage day or hour becomes a
// from/to range with the end exclusive, as the APIs take it.
import { describe, expect, it } from 'vitest';
import { bucketRange, logsLink } from '../../web/src/pages/logs/logs-link.js';

describe('links to the Logs page', () => {
  it('keeps the filters that are set, in the query string', () => {
    expect(logsLink({ customer: 'acme corp/42', range: '30d', key: undefined, model: null, status: '' })).toBe(
      '/logs?customer=acme+corp%2F42&range=30d',
    );
    expect(logsLink({ status: 429 })).toBe('/logs?status=429');
    expect(logsLink({})).toBe('/logs');
  });

  it('turns a UTC day into that day up to the next, and an hour into that hour', () => {
    expect(bucketRange({ day: '2026-12-31' })).toEqual({ from: '2026-12-31', to: '2027-01-01' });
    expect(bucketRange({ hour: '2026-12-06T08:00:00.000Z' })).toEqual({ from: '2026-12-06T08:00:00.000Z', to: '2026-12-06T09:00:00.000Z' });
    expect(bucketRange({})).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { RETRIED_STATUSES } from '../../src/domain/routing-rule.js';
import { UpstreamError, type UpstreamFailure } from '../../src/errors/shuttle-error.js';
import { isRetryable } from '../../src/gateway/upstream-failure.js';

const ALWAYS_RETRIED: UpstreamFailure[] = [
  'upstream_unreachable',
  'upstream_timeout',
  'upstream_invalid_response',
  'upstream_address_refused',
];
const STATUSES = [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 501, 502, 503, 504, 505, 529];

describe('whether a failed call is tried again', () => {
  it('retries a provider’s error answer only on a status the rule lists (by default 429, 500, 502, 503, 504)', () => {
    const retried = STATUSES.filter((status) => isRetryable(new UpstreamError('p', 'upstream_error', { status }), RETRIED_STATUSES));
    expect(retried).toEqual([429, 500, 502, 503, 504]);
    const onlyConflicts = STATUSES.filter((status) => isRetryable(new UpstreamError('p', 'upstream_error', { status }), [409]));
    expect(onlyConflicts).toEqual([409]);
  });

  it('always retries a timeout, an unreachable or refused provider and an unreadable answer, whatever the rule lists', () => {
    for (const failure of ALWAYS_RETRIED) {
      expect(isRetryable(new UpstreamError('p', failure), []), failure).toBe(true);
    }
  });

  it('is the only judge: an UpstreamError carries no opinion of its own that could disagree with it', () => {
    const error = new UpstreamError('p', 'upstream_error', { status: 501 });
    expect('retryable' in error, 'UpstreamError has a retryable property again: decide in isRetryable() only').toBe(false);
  });
});

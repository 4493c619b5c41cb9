// Usage events written before the response cache existed (journal lines, spill files: 22 values or objects without
// `cached`) still read, roll up and write: as answers not from the cache, with nothing saved.
import { describe, expect, it } from 'vitest';
import { USAGE_EVENT_COLUMNS, type UsageEventValues } from '../../src/store/repositories/usage-event-columns.js';
import { fromValues, toValues } from '../../src/store/repositories/usage-events.js';
import { ROLLUP_COLUMNS, rollUp } from '../../src/store/repositories/usage-rollups.js';
import { usageEvent } from '../helpers/usage-event.js';

describe('usage events from before the response cache', () => {
  const current = toValues(usageEvent('req_old', { costMicros: 40 }));
  const old = current.slice(0, USAGE_EVENT_COLUMNS.indexOf('cached')) as unknown as UsageEventValues;

  it('read as not cached, nothing saved, and are written with every column', () => {
    expect(old).toHaveLength(22);
    const event = fromValues(old);
    expect(event).toMatchObject({ cached: false, savedMicros: 0, costMicros: 40 });
    expect(toValues(event)).toEqual(current);
    const { cached: _, savedMicros: __, ...objectFromBefore } = usageEvent('req_spilled');
    expect(toValues(objectFromBefore).slice(-2)).toEqual([0, 0]);
  });

  it('roll up with zero cache hits and savings, not NaN', () => {
    const [row] = rollUp([old]);
    expect(row?.[ROLLUP_COLUMNS.indexOf('cache_hits')]).toBe(0);
    expect(row?.[ROLLUP_COLUMNS.indexOf('saved_micros')]).toBe(0);
    expect(row?.[ROLLUP_COLUMNS.indexOf('requests')]).toBe(1);
  });
});

describe('usage events from before billing (issue 30)', () => {
  const current = toValues(usageEvent('req_unbilled', { costMicros: 40, billedMicros: 40 }));
  const old = current.slice(0, USAGE_EVENT_COLUMNS.indexOf('billed_micros')) as unknown as UsageEventValues;

  it('read as billed at their cost, and roll up so', () => {
    expect(old).toHaveLength(24);
    expect(fromValues(old)).toMatchObject({ costMicros: 40, billedMicros: 40 });
    expect(toValues(fromValues(old))).toEqual(current);
    const { billedMicros: _, ...objectFromBefore } = usageEvent('req_spilled', { costMicros: 55 });
    expect(toValues(objectFromBefore).at(-1)).toBe(55);
    expect(rollUp([old])[0]?.[ROLLUP_COLUMNS.indexOf('billed_micros')]).toBe(40);
  });
});

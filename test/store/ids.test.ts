import { describe, expect, it } from 'vitest';
import { newRequestId } from '../../src/store/ids.js';

describe('request ids', () => {
  it('sort by time as text, whatever order they are made in, and differ within a millisecond', () => {
    const times = [1_790_000_000_000, 1_790_000_000_001, 1_790_000_000_001, 1_790_000_062_000, 1_700_000_000_000];
    const ids = times.map((time) => newRequestId(time));
    for (const id of ids) expect(id).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[1]?.slice(0, 12)).toBe(ids[2]?.slice(0, 12));
    const byId = [...ids].sort();
    const byTime = times.map((time, i) => [time, ids[i]] as const).sort((a, b) => a[0] - b[0]);
    expect(byId.map((id) => id.slice(0, 12))).toEqual(byTime.map(([, id]) => id?.slice(0, 12)));
    expect(newRequestId(1_790_000_000_000).slice(0, 12)).toBe(ids[0]?.slice(0, 12));
  });
});

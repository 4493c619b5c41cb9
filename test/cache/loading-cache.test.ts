import { describe, expect, it } from 'vitest';
import { LoadingCache } from '../../src/cache/loading-cache.js';

describe('LoadingCache', () => {
  it('keeps at most max entries, evicting the least recently used', async () => {
    const cache = new LoadingCache<string>({ max: 2, ttlMs: 60_000 });
    await cache.get('a', async () => 'A');
    await cache.get('b', async () => 'B');
    expect(cache.peek('a')).toBe('A'); // a is now the most recently used
    await cache.get('c', async () => 'C');
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('c')).toBe('C');
  });

  it('loads a missing value once for callers that ask at the same time', async () => {
    const cache = new LoadingCache<string>({ max: 10, ttlMs: 60_000 });
    let loads = 0;
    const load = async () => {
      loads++;
      return 'value';
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).toEqual(['value', 'value', 'value']);
    expect(loads).toBe(1);
  });

  it('forgets a value, and a load in flight when it was forgotten does not put it back', async () => {
    const cache = new LoadingCache<string>({ max: 10, ttlMs: 60_000 });
    let finish: (value: string) => void = () => undefined;
    const inFlight = cache.get('k', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.forget('k');
    finish('stale');
    expect(await inFlight).toBe('stale');
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('expires values after their time to live', async () => {
    const cache = new LoadingCache<string>({ max: 10, ttlMs: 300, ttlFor: (value) => (value === 'short' ? 5 : undefined) });
    await cache.get('long', async () => 'long');
    await cache.get('brief', async () => 'short');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(cache.peek('brief')).toBeUndefined();
    expect(cache.peek('long')).toBe('long');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(cache.peek('long')).toBeUndefined();
  });
});

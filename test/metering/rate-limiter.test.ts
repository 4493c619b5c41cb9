import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { FallbackRateLimiter } from '../../src/metering/limits/fallback-rate-limiter.js';
import { MemoryRateLimiter, type RateLimiter, RedisRateLimiter, WINDOW_MS } from '../../src/metering/limits/rate-limiter.js';
import { randomBase62 } from '../../src/store/ids.js';
import { REDIS_URL } from '../helpers/databases.js';
import { testFallbacks } from '../helpers/redis-fallbacks.js';

const redis = connectRedis(REDIS_URL, 'test');
const fallbacks = await testFallbacks();
afterAll(async () => {
  await redis.quit();
  fallbacks.close();
});

const backends: Array<[string, () => RateLimiter]> = [
  ['memory', () => new MemoryRateLimiter()],
  ['redis', () => new RedisRateLimiter(redis, `test-${randomBase62(8)}:`)],
  ['redis with a fallback', () => new FallbackRateLimiter(new RedisRateLimiter(redis, `test-${randomBase62(8)}:`), fallbacks.answering)],
  ['fallback, Redis away', () => new FallbackRateLimiter(new RedisRateLimiter(redis, `test-${randomBase62(8)}:`), fallbacks.away())],
];

// Ten seconds into a window, so tests don't straddle a minute boundary.
const start = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 10_000;

describe.each(backends)('RateLimiter (%s)', (_name, create) => {
  it('allows up to the limit in a minute, then refuses with a wait', async () => {
    const limiter = create();
    const check = { key: 'k', limit: 3, cost: 1 };
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const decision = await limiter.consume([check], start);
      expect(decision.allowed).toBe(true);
      if (decision.allowed) remaining.push(decision.states[0]?.remaining ?? -1);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await limiter.consume([check], start);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.refused).toMatchObject({ key: 'k', limit: 3, remaining: 0 });
      expect(refused.refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.refused.retryAfterMs).toBeLessThanOrEqual(2 * WINDOW_MS);
    }
  });

  it('slides: last minute’s use weighs in proportion to its overlap', async () => {
    const limiter = create();
    const check = { key: 's', limit: 10, cost: 1 };
    for (let i = 0; i < 10; i++) await limiter.consume([check], start);
    // Halfway through the next minute, half of the previous minute's 10 still counts.
    const halfway = start - 10_000 + WINDOW_MS + WINDOW_MS / 2;
    let allowed = 0;
    while ((await limiter.consume([check], halfway)).allowed) allowed++;
    expect(allowed).toBe(5);
  });

  it('takes from every counter or from none', async () => {
    const limiter = create();
    const roomy = { key: 'roomy', limit: 100, cost: 1 };
    const tight = { key: 'tight', limit: 1, cost: 1 };
    expect((await limiter.consume([roomy, tight], start)).allowed).toBe(true);
    expect((await limiter.consume([roomy, tight], start)).allowed).toBe(false);
    const after = await limiter.consume([roomy], start);
    expect(after.allowed && after.states[0]?.remaining).toBe(98);
  });

  it('corrects a counter afterwards', async () => {
    const limiter = create();
    const tokens = { key: 't', limit: 1000, cost: 800 };
    expect((await limiter.consume([tokens], start)).allowed).toBe(true);
    expect((await limiter.consume([{ ...tokens, cost: 300 }], start)).allowed).toBe(false);
    await limiter.adjust('t', -700, start);
    expect((await limiter.consume([{ ...tokens, cost: 300 }], start)).allowed).toBe(true);
  });
});

describe('FallbackRateLimiter, closed mode', () => {
  it('refuses with 503 limits_unavailable and Retry-After while Redis is away, and takes corrections quietly', async () => {
    const limiter = new FallbackRateLimiter(new RedisRateLimiter(redis, `test-${randomBase62(8)}:`), fallbacks.away('closed'));
    await expect(Promise.resolve(limiter.consume([{ key: 'k', limit: 3, cost: 1 }]))).rejects.toMatchObject({
      status: 503,
      code: 'limits_unavailable',
      headers: { 'retry-after': '5' },
    });
    await expect(limiter.adjust('k', -1)).resolves.toBeUndefined();
  });
});

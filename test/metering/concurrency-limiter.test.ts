// The concurrency slots' shared suite, run on every back end: memory, Redis, Redis behind its fallback (answering,
// and away — then counted in this instance's memory), and what only Redis does: a lease its instance stops renewing
// expires, and the slot is reclaimed.
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import {
  type ConcurrencyLimiter,
  MemoryConcurrencyLimiter,
  RedisConcurrencyLimiter,
} from '../../src/metering/limits/concurrency-limiter.js';
import { FallbackConcurrencyLimiter } from '../../src/metering/limits/fallback-concurrency-limiter.js';
import { randomBase62 } from '../../src/store/ids.js';
import { REDIS_URL } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';
import { testFallbacks } from '../helpers/redis-fallbacks.js';

const redis = connectRedis(REDIS_URL, 'test');
const fallbacks = await testFallbacks();
const made: RedisConcurrencyLimiter[] = [];
afterAll(async () => {
  for (const limiter of made) limiter.close();
  await redis.quit();
  fallbacks.close();
});

const inRedis = (leaseMs = 10_000) => {
  const limiter = new RedisConcurrencyLimiter(redis, `test-${randomBase62(8)}:`, leaseMs);
  made.push(limiter);
  return limiter;
};

const backends: Array<[string, () => ConcurrencyLimiter]> = [
  ['memory', () => new MemoryConcurrencyLimiter()],
  ['redis', () => inRedis()],
  ['redis with a fallback', () => new FallbackConcurrencyLimiter(inRedis(), fallbacks.answering)],
  ['fallback, Redis away', () => new FallbackConcurrencyLimiter(inRedis(), fallbacks.away())],
];

describe.each(backends)('ConcurrencyLimiter (%s)', (_name, create) => {
  it('hands out up to the limit of slots, refuses the next, and takes one again once one is released', async () => {
    const limiter = create();
    const check = { key: 'tenant:ten_1', limit: 2 };
    const first = await limiter.acquire([check]);
    const second = await limiter.acquire([check]);
    expect([first.acquired, second.acquired]).toEqual([true, true]);
    expect(await limiter.acquire([check])).toEqual({ acquired: false, refused: 0 });
    if (first.acquired) await limiter.release(first.lease);
    const third = await limiter.acquire([check]);
    expect(third.acquired).toBe(true);
    expect((await limiter.acquire([check])).acquired).toBe(false);
  });

  it('takes a slot in every counter or in none, and names the full one', async () => {
    const limiter = create();
    const roomy = { key: 'tenant:ten_2', limit: 10 };
    const tight = { key: 'key:key_2', limit: 1 };
    expect((await limiter.acquire([roomy, tight])).acquired).toBe(true);
    expect(await limiter.acquire([roomy, tight])).toEqual({ acquired: false, refused: 1 });
    // The refused request took nothing from the roomy counter: nine more fit there.
    let fitted = 0;
    while ((await limiter.acquire([roomy])).acquired) fitted++;
    expect(fitted).toBe(9);
  });

  it('counts a lease released twice once', async () => {
    const limiter = create();
    const check = { key: 'customer:cus_3', limit: 1 };
    const held = await limiter.acquire([check]);
    if (!held.acquired) throw new Error('no slot');
    await limiter.release(held.lease);
    await limiter.release(held.lease);
    const next = await limiter.acquire([check]);
    expect(next.acquired).toBe(true);
    expect((await limiter.acquire([check])).acquired, 'a second release gave back a slot that another request holds').toBe(false);
  });
});

describe('ConcurrencyLimiter in Redis', () => {
  it('keeps a slot as long as its instance renews it, and reclaims it once the instance stops', async () => {
    const prefix = `test-${randomBase62(8)}:`;
    const dying = new RedisConcurrencyLimiter(redis, prefix, 1000);
    const survivor = new RedisConcurrencyLimiter(redis, prefix, 1000);
    made.push(dying, survivor);
    const check = { key: 'tenant:ten_4', limit: 1 };
    expect((await dying.acquire([check])).acquired).toBe(true);
    // Held across several leases' worth of time while its instance renews it.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await survivor.acquire([check])).acquired, 'a renewed slot was reclaimed').toBe(false);
    dying.close();
    const reclaimed = await pollUntil(
      async () => (await survivor.acquire([check])).acquired,
      (acquired) => acquired,
      { withinMs: 5000, everyMs: 100 },
    );
    expect(reclaimed, 'the slot of an instance that stopped renewing was never reclaimed').toBe(true);
  });
});

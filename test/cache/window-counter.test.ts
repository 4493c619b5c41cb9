import { afterAll, describe, expect, it } from 'vitest';
import { FallbackWindowCounter } from '../../src/cache/fallback-window-counter.js';
import { connectRedis } from '../../src/cache/redis.js';
import { MemoryWindowCounter, RedisWindowCounter, type WindowCounter } from '../../src/cache/window-counter.js';
import { randomBase62 } from '../../src/store/ids.js';
import { REDIS_URL } from '../helpers/databases.js';
import { testFallbacks } from '../helpers/redis-fallbacks.js';

const redis = connectRedis(REDIS_URL, 'test');
const fallbacks = await testFallbacks();
afterAll(async () => {
  await redis.quit();
  fallbacks.close();
});

const backends: Array<[string, () => WindowCounter]> = [
  ['memory', () => new MemoryWindowCounter()],
  ['redis', () => new RedisWindowCounter(redis, `test:${randomBase62(8)}:`)],
  [
    'redis with a fallback',
    () => new FallbackWindowCounter(new RedisWindowCounter(redis, `test:${randomBase62(8)}:`), fallbacks.answering),
  ],
  ['fallback, Redis away', () => new FallbackWindowCounter(new RedisWindowCounter(redis, `test:${randomBase62(8)}:`), fallbacks.away())],
];

describe.each(backends)('WindowCounter (%s)', (_name, create) => {
  it('counts within a window that starts with the first event', async () => {
    const counter = create();
    expect(await counter.peek('a')).toEqual({ count: 0, resetInMs: 0 });
    expect((await counter.increment('a', 60_000)).count).toBe(1);
    const second = await counter.increment('a', 60_000);
    expect(second.count).toBe(2);
    expect(second.resetInMs).toBeGreaterThan(59_000);
    expect((await counter.peek('a')).count).toBe(2);
    expect((await counter.peek('b')).count).toBe(0);
  });

  it('starts again after the window ends', async () => {
    const counter = create();
    await counter.increment('k', 60);
    await counter.increment('k', 60);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await counter.peek('k')).count).toBe(0);
    expect((await counter.increment('k', 60)).count).toBe(1);
  });

  it('gives back one on decrement, never below zero and never reopening an ended window', async () => {
    const counter = create();
    await counter.increment('d', 60_000);
    await counter.increment('d', 60_000);
    await counter.decrement('d');
    expect((await counter.peek('d')).count).toBe(1);
    await counter.decrement('d');
    await counter.decrement('d');
    expect((await counter.peek('d')).count).toBe(0);
    await counter.decrement('never');
    expect(await counter.peek('never')).toEqual({ count: 0, resetInMs: 0 });
  });

  it('gives each of many simultaneous increments its own count', async () => {
    const counter = create();
    const counts = await Promise.all(Array.from({ length: 40 }, () => counter.increment('c', 60_000)));
    expect(counts.map((c) => c.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('forgets a key on reset', async () => {
    const counter = create();
    await counter.increment('r', 60_000);
    await counter.reset('r');
    expect((await counter.peek('r')).count).toBe(0);
  });
});

describe('RedisWindowCounter', () => {
  it('is shared by every instance', async () => {
    const prefix = `test:${randomBase62(8)}:`;
    const other = connectRedis(REDIS_URL, 'test-other');
    try {
      await new RedisWindowCounter(redis, prefix).increment('shared', 60_000);
      expect((await new RedisWindowCounter(other, prefix).increment('shared', 60_000)).count).toBe(2);
    } finally {
      await other.quit();
    }
  });
});

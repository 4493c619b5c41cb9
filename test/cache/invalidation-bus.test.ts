import { describe, expect, it } from 'vitest';
import { type InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from '../../src/cache/invalidation-bus.js';
import { REDIS_URL } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';

const backends: Array<[string, () => Promise<InvalidationBus>]> = [
  ['local', async () => new LocalInvalidationBus()],
  [
    'redis',
    async () => {
      const bus = new RedisInvalidationBus(REDIS_URL);
      await bus.whenReady();
      return bus;
    },
  ],
];

describe.each(backends)('InvalidationBus (%s)', (_name, create) => {
  it('delivers to this instance’s handlers at once, by topic', async () => {
    const bus = await create();
    const keys: string[] = [];
    const users: string[] = [];
    bus.subscribe('api-key', (value) => keys.push(value));
    bus.subscribe('user', (value) => users.push(value));
    await bus.publish('api-key', 'hash-1');
    expect(keys).toEqual(['hash-1']);
    expect(users).toEqual([]);
    await bus.close();
  });
});

describe('RedisInvalidationBus', () => {
  it('reaches every other instance within a second, exactly once on each', async () => {
    const [a, b, c] = [new RedisInvalidationBus(REDIS_URL), new RedisInvalidationBus(REDIS_URL), new RedisInvalidationBus(REDIS_URL)];
    await Promise.all([a.whenReady(), b.whenReady(), c.whenReady()]);
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    a.subscribe('api-key', (v) => seen.a?.push(v));
    b.subscribe('api-key', (v) => seen.b?.push(v));
    c.subscribe('api-key', (v) => seen.c?.push(v));
    const started = Date.now();
    await a.publish('api-key', 'revoked-hash');
    await pollUntil(
      () => seen.b?.length === 1 && seen.c?.length === 1,
      (heard) => heard,
      { withinMs: 1000, everyMs: 5 },
    );
    expect(Date.now() - started, `not heard by every other instance within a second: ${JSON.stringify(seen)}`).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual({ a: ['revoked-hash'], b: ['revoked-hash'], c: ['revoked-hash'] });
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('closed before its subscription is made (a short CLI command), it ends quietly', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const bus = new RedisInvalidationBus(REDIS_URL);
      await bus.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(rejections).toEqual([]);
      await expect(bus.whenReady()).rejects.toThrow();
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });
});

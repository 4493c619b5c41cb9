import { afterEach, describe, expect, it } from 'vitest';
import { type InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from '../../src/cache/invalidation-bus.js';
import { REDIS_URL } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';
import { type OwnRedis, startOwnRedis } from '../helpers/redis-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

async function eventually(check: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

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

describe('RedisInvalidationBus through a Redis outage (a redis-server of the test’s own)', () => {
  let redis: OwnRedis | undefined;
  const buses: RedisInvalidationBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()));
    await redis?.close();
  });
  const bus = (options: { publishWaitMs?: number } = {}) => {
    const created = new RedisInvalidationBus((redis as OwnRedis).url, { timeoutMs: 5000, ...options });
    buses.push(created);
    return created;
  };

  it('a message this instance could not publish is delivered here at once, and to the others once it can', async () => {
    redis = await startOwnRedis();
    // A reaches Redis through a proxy the test cuts; B stays connected, so only A's retry can bring it the message.
    const proxy = await startTcpProxy('127.0.0.1', redis.port);
    try {
      const a = new RedisInvalidationBus(`redis://127.0.0.1:${proxy.port}`, { timeoutMs: 5000, publishWaitMs: 100 });
      buses.push(a);
      const b = bus();
      await Promise.all([a.whenReady(), b.whenReady()]);
      const seenHere: string[] = [];
      const seenThere: string[] = [];
      a.subscribe('api-key', (value) => seenHere.push(value));
      b.subscribe('api-key', (value) => seenThere.push(value));

      proxy.cut();
      const started = Date.now();
      await a.publish('api-key', 'revoked-while-cut-off');
      expect(Date.now() - started).toBeLessThan(1500);
      expect(seenHere).toEqual(['revoked-while-cut-off']);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seenThere).toEqual([]);
      proxy.restore();
      await eventually(() => seenThere.includes('revoked-while-cut-off'), 15_000);
    } finally {
      await proxy.close();
    }
  });

  it('every (re)subscription makes this instance forget what it cached, since it may have missed messages', async () => {
    redis = await startOwnRedis();
    const b = bus();
    let resyncs = 0;
    b.onResync(() => resyncs++);
    await b.whenReady();
    const before = resyncs;
    await redis.kill();
    await redis.start();
    await eventually(() => resyncs > before, 15_000);
    // Subscribed again by the bus itself (ioredis's own resubscription is off): another instance's message arrives, once.
    const seen: string[] = [];
    b.subscribe('api-key', (value) => seen.push(value));
    const other = bus();
    await other.whenReady();
    await other.publish('api-key', 'after-restart');
    await eventually(() => seen.length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(['after-restart']);
  });

  it('started with Redis away, it subscribes once Redis comes', async () => {
    redis = await startOwnRedis({ started: false });
    const b = bus();
    const ready = b.whenReady().then(() => true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.start();
    expect(await ready).toBe(true);
  });
});

import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { RedisFallback } from '../../src/cache/redis-fallback.js';
import { createLogger } from '../../src/config/logger.js';
import { FallbackSpendLedger } from '../../src/metering/limits/fallback-spend-ledger.js';
import { type BudgetCheck, MemorySpendLedger, RedisSpendLedger, type SpendLedger } from '../../src/metering/limits/spend-ledger.js';
import { randomBase62 } from '../../src/store/ids.js';
import { REDIS_URL } from '../helpers/databases.js';
import { pollUntil } from '../helpers/poll.js';
import { testFallbacks } from '../helpers/redis-fallbacks.js';
import { startOwnRedis } from '../helpers/redis-server.js';

const redis = connectRedis(REDIS_URL, 'test');
const fallbacks = await testFallbacks();
afterAll(async () => {
  await redis.quit();
  fallbacks.close();
});
const silent = createLogger('silent');

const prefix = () => `test-${randomBase62(8)}:`;
const backends: Array<[string, () => SpendLedger]> = [
  ['memory', () => new MemorySpendLedger()],
  ['redis', () => new RedisSpendLedger(redis, prefix(), 60_000)],
  ['redis with a fallback', () => new FallbackSpendLedger(new RedisSpendLedger(redis, prefix(), 60_000), fallbacks.answering, silent)],
  ['fallback, Redis away', () => new FallbackSpendLedger(new RedisSpendLedger(redis, prefix(), 60_000), fallbacks.away(), silent)],
];

function budget(key: string, limitMicros: number, alreadySpent = 0): BudgetCheck & { loads: number } {
  const check = {
    key,
    limitMicros,
    ttlMs: 86_400_000,
    loads: 0,
    async load() {
      check.loads++;
      return alreadySpent;
    },
  };
  return check;
}

describe.each(backends)('SpendLedger (%s)', (_name, create) => {
  it('starts from what the database says was spent, asking once', async () => {
    const ledger = create();
    const check = budget(`b-${randomBase62(6)}`, 1000, 900);
    expect((await ledger.reserve([check], 100)).allowed).toBe(true);
    const refused = await ledger.reserve([check], 1);
    expect(refused).toEqual({ allowed: false, refused: { key: check.key, limitMicros: 1000, spentMicros: 900, reservedMicros: 100 } });
    expect(check.loads).toBe(1);
  });

  it('replaces a reservation with the actual cost when it settles', async () => {
    const ledger = create();
    const check = budget(`b-${randomBase62(6)}`, 1000);
    const first = await ledger.reserve([check], 800);
    if (!first.allowed) throw new Error('refused');
    expect((await ledger.reserve([check], 300)).allowed).toBe(false);
    const [settled] = await ledger.settle(first.reservation, 250);
    expect(settled).toMatchObject({ beforeMicros: 0, afterMicros: 250 });
    expect((await ledger.reserve([check], 700)).allowed).toBe(true);
    expect((await ledger.reserve([check], 100)).allowed).toBe(false);
  });

  it('reserves against every budget or none', async () => {
    const ledger = create();
    const big = budget(`big-${randomBase62(6)}`, 1_000_000);
    const small = budget(`small-${randomBase62(6)}`, 100);
    expect((await ledger.reserve([big, small], 150)).allowed).toBe(false);
    expect((await ledger.reserve([big], 999_900)).allowed).toBe(true);
  });

  it('loads a budget again after a failed load, instead of refusing until the period rolls over', async () => {
    const ledger = create();
    const check = budget(`f-${randomBase62(6)}`, 1000, 100);
    const load = check.load.bind(check);
    let down = true;
    check.load = async () => {
      if (down) throw new Error('database unreachable');
      return load();
    };
    await expect(Promise.resolve(ledger.reserve([check], 100))).rejects.toThrow('database unreachable');
    down = false;
    expect((await ledger.reserve([check], 100)).allowed).toBe(true);
    expect(check.loads).toBe(1);
  });

  it('100 parallel requests against a nearly spent budget: exactly as many as fit are let through', async () => {
    const ledger = create();
    const check = budget(`p-${randomBase62(6)}`, 10_000, 9_000);
    const decisions = await Promise.all(Array.from({ length: 100 }, () => ledger.reserve([check], 100)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(check.loads).toBe(1);
  });
});

describe('RedisSpendLedger', () => {
  it('is shared by instances, and a reservation that never settles expires', async () => {
    const shared = prefix();
    const a = new RedisSpendLedger(redis, shared, 50);
    const b = new RedisSpendLedger(redis, shared, 50);
    const check = budget(`shared-${randomBase62(6)}`, 1000);
    expect((await a.reserve([check], 900)).allowed).toBe(true);
    expect((await b.reserve([check], 200)).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await b.reserve([check], 200)).allowed).toBe(true);
  });

  it('keeps a reservation that is renewed while its call runs', async () => {
    const shared = prefix();
    const a = new RedisSpendLedger(redis, shared, 60);
    const b = new RedisSpendLedger(redis, shared, 60);
    const check = budget(`renewed-${randomBase62(6)}`, 1000);
    const held = await a.reserve([check], 900);
    if (!held.allowed) throw new Error('refused');
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setTimeout(resolve, a.renewEveryMs));
      await a.renew(held.reservation);
    }
    expect((await b.reserve([check], 200)).allowed).toBe(false);
    await a.settle(held.reservation, 100);
    expect((await b.reserve([check], 200)).allowed).toBe(true);
  });

  it('counts a settlement sent again once, unless its reservation may have expired meanwhile', async () => {
    const ledger = new RedisSpendLedger(redis, prefix(), 60_000);
    const check = budget(`again-${randomBase62(6)}`, 1000);
    const held = await ledger.reserve([check], 100);
    if (!held.allowed) throw new Error('refused');
    // Sent again, still held (the first never reached Redis): counted.
    expect(await ledger.settle(held.reservation, 40, { again: true })).toMatchObject([{ afterMicros: 40 }]);
    // Sent again after it ran: not counted a second time.
    expect(await ledger.settle(held.reservation, 40, { again: true })).toMatchObject([{ afterMicros: 40 }]);

    // A reservation past its expiry may have been dropped as a crashed instance's: its cost is counted.
    const expired = await ledger.reserve([check], 100);
    if (!expired.allowed) throw new Error('refused');
    await ledger.settle(expired.reservation, 30);
    const gone = { ...expired.reservation, heldUntil: Date.now() - 10_000 };
    expect(await ledger.settle(gone, 30, { again: true })).toMatchObject([{ afterMicros: 100 }]);
  });
});

describe('FallbackSpendLedger, Redis frozen with a settlement in flight', () => {
  it('counts that settlement once — Redis runs it at the thaw, so it is not added again as owed', async () => {
    const own = await startOwnRedis();
    const client = connectRedis(own.url, 'state', { timeoutMs: 5000 });
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const fallback = new RedisFallback(client, 'local', 300, silent);
      const ledger = new FallbackSpendLedger(new RedisSpendLedger(client, 'test:', 60_000), fallback, silent);
      const check = budget('frozen', 10_000);
      const inFlight = await ledger.reserve([check], 100);
      if (!inFlight.allowed) throw new Error('refused');

      own.freeze();
      try {
        // Its settlement is sent, and not answered within the budget: owed to Redis.
        expect(await ledger.settle(inFlight.reservation, 62)).toEqual([]);
        // A request admitted in memory meanwhile: its cost is owed as well, and never reached Redis.
        const inMemory = await ledger.reserve([check], 100);
        if (!inMemory.allowed) throw new Error('refused');
        await ledger.settle(inMemory.reservation, 30);
      } finally {
        own.thaw();
      }
      // A call that Redis answers ends the outage; the owed costs are paid in order.
      await ledger.reserve([budget('after', 10_000)], 1);
      const reader = new Redis(own.url);
      const spent = await pollUntil(
        async () => Number(await reader.get('test:spend:frozen')),
        (micros) => micros >= 92,
        { withinMs: 10_000 },
      );
      reader.disconnect();
      expect(spent, 'the frozen settlement counted once, the one admitted in memory once').toBe(92);
    } finally {
      client.disconnect();
      await own.close();
    }
  }, 30_000);
});

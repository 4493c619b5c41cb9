import { afterAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis.js';
import { createLogger } from '../../src/config/logger.js';
import { FallbackSpendLedger } from '../../src/metering/limits/fallback-spend-ledger.js';
import { type BudgetCheck, MemorySpendLedger, RedisSpendLedger, type SpendLedger } from '../../src/metering/limits/spend-ledger.js';
import { randomBase62 } from '../../src/store/ids.js';
import { REDIS_URL } from '../helpers/databases.js';
import { testFallbacks } from '../helpers/redis-fallbacks.js';

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
});

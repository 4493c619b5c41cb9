// Where cached answers live: Redis when REDIS_URL is set (shared by every instance, expiry by Redis itself), else
// the database with a background sweep of expired rows. Both answer entries as the text encodeAnswer() wrote.

import type { Redis } from '../../cache/redis.js';
import { type RedisBudget, withinBudget } from '../../cache/redis-fallback.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { ResponseCacheRepository, ResponseCacheWriter } from '../../store/repositories/response-cache.js';

export interface ResponseCacheStore {
  readonly name: 'redis' | 'database';
  get(tenantId: string, key: string): Promise<string | undefined>;
  set(tenantId: string, key: string, entry: string, createdAt: number, ttlSeconds: number): Promise<void>;
  /** Deletes the tenant's entries; answers how many. */
  clear(tenantId: string): Promise<number>;
}

/** How many keys a clear asks SCAN for, and deletes, at a time. */
const CLEAR_BATCH = 500;

export class RedisCacheStore implements ResponseCacheStore {
  readonly name = 'redis';
  private readonly within: RedisBudget;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** SHUTTLE_REDIS_TIMEOUT_MS: a lookup slower than this is a miss. */
    budgetMs: number,
  ) {
    this.within = (call) => withinBudget(call, budgetMs);
  }

  async get(tenantId: string, key: string): Promise<string | undefined> {
    // Not connected: a miss at once, without waiting for a command that would fail.
    if (this.redis.status !== 'ready') throw new Error('Redis is not connected');
    const entry = await this.within(this.redis.get(this.redisKey(tenantId, key)));
    return entry ?? undefined;
  }

  async set(tenantId: string, key: string, entry: string, _createdAt: number, ttlSeconds: number): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error('Redis is not connected');
    await this.within(this.redis.set(this.redisKey(tenantId, key), entry, 'EX', ttlSeconds));
  }

  /** A Redis that is away or fails midway is a 503 (cache_unavailable): a clear must not look done when it is not. */
  async clear(tenantId: string): Promise<number> {
    let cursor = '0';
    let deleted = 0;
    try {
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}response-cache:${tenantId}:*`, 'COUNT', CLEAR_BATCH);
        cursor = next;
        if (keys.length > 0) deleted += await this.redis.unlink(...keys);
      } while (cursor !== '0');
    } catch (error) {
      throw new ShuttleError('cache_unavailable', { cause: error, headers: { 'retry-after': '5' } });
    }
    return deleted;
  }

  /** The tenant is part of the key in the clear, so that its entries can be found (and cleared) by pattern. */
  private redisKey(tenantId: string, key: string): string {
    return `${this.prefix}response-cache:${tenantId}:${key}`;
  }
}

export class DatabaseCacheStore implements ResponseCacheStore {
  readonly name = 'database';

  constructor(
    private readonly entries: ResponseCacheRepository,
    /** Writes go to the writer thread when there is one: a SQLite write would hold the event loop. */
    private readonly writer: ResponseCacheWriter = entries,
  ) {}

  get(tenantId: string, key: string): Promise<string | undefined> {
    return this.entries.get(tenantId, key, Date.now());
  }

  set(tenantId: string, key: string, entry: string, createdAt: number, ttlSeconds: number): Promise<void> {
    return this.writer.putRows([{ key, tenant_id: tenantId, entry, created_at: createdAt, expires_at: createdAt + ttlSeconds * 1000 }]);
  }

  clear(tenantId: string): Promise<number> {
    return this.entries.clear(tenantId);
  }
}

/** Rows deleted per statement: a sweep never holds the database (or SQLite's one writer) for long. */
export const SWEEP_BATCH = 500;

/** Deletes expired database entries every interval, batch by batch, yielding to requests between batches. */
export class CacheSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly entries: ResponseCacheRepository,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.sweep()
        .then(() => undefined, this.onError)
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes every entry expired by now; answers how many. */
  async sweep(now = Date.now()): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.entries.deleteExpired(now, SWEEP_BATCH);
      total += deleted;
      if (deleted < SWEEP_BATCH) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

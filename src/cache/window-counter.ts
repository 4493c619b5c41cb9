// Counts events per key in a fixed window that starts with the first event (login failures, say), in memory or in
// Redis so that every instance sees the same count.
import type { Redis } from './redis.js';

export interface WindowCount {
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetInMs: number;
}

export interface WindowCounter {
  /** Adds one and returns the new count, in one atomic step: concurrent callers each see a different count. */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** Takes one back (never below zero, never starting a window). */
  decrement(key: string): Promise<void>;
  peek(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
}

const EMPTY: WindowCount = { count: 0, resetInMs: 0 };

export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const now = Date.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
      this.sweep(now);
    }
    window.count++;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async decrement(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count--;
  }

  async peek(key: string): Promise<WindowCount> {
    const now = Date.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return EMPTY;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Drops ended windows now and then so that the map cannot grow without bound. */
  private sweep(now: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** DECR alone would create an expired key again, at -1 and with no expiry. */
const DECREMENT_IF_POSITIVE = `if (tonumber(redis.call('get', KEYS[1]) or '0') > 0) then redis.call('decr', KEYS[1]) end return 0`;

export class RedisWindowCounter implements WindowCounter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const name = this.prefix + key;
    const [[, count], , [, ttl]] = (await this.redis.multi().incr(name).pexpire(name, windowMs, 'NX').pttl(name).exec()) as [
      [unknown, number],
      [unknown, number],
      [unknown, number],
    ];
    return { count, resetInMs: Math.max(ttl, 0) };
  }

  async decrement(key: string): Promise<void> {
    await this.redis.eval(DECREMENT_IF_POSITIVE, 1, this.prefix + key);
  }

  async peek(key: string): Promise<WindowCount> {
    const name = this.prefix + key;
    const [[, count], [, ttl]] = (await this.redis.multi().get(name).pttl(name).exec()) as [[unknown, string | null], [unknown, number]];
    if (count === null || ttl <= 0) return EMPTY;
    return { count: Number(count), resetInMs: ttl };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

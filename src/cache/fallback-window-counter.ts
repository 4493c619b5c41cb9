// A window counter in Redis that falls back to this instance's memory while Redis is away (or refuses, in closed
// mode): login throttling keeps working, per instance, through an outage. Counts kept in memory are dropped when
// Redis answers again; Redis's own counts resume as they were.
import type { RedisFallback } from './redis-fallback.js';
import { MemoryWindowCounter, type RedisWindowCounter, type WindowCount, type WindowCounter } from './window-counter.js';

export class FallbackWindowCounter implements WindowCounter {
  private memory = new MemoryWindowCounter();

  constructor(
    private readonly shared: RedisWindowCounter,
    private readonly fallback: RedisFallback,
  ) {
    fallback.onRecovery(() => {
      this.memory = new MemoryWindowCounter();
    });
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    return this.fallback.admit(
      (within) => within(this.shared.increment(key, windowMs)),
      () => this.memory.increment(key, windowMs),
    );
  }

  async decrement(key: string): Promise<void> {
    await this.fallback.record(
      (within) => within(this.shared.decrement(key)),
      () => this.memory.decrement(key),
    );
  }

  async peek(key: string): Promise<WindowCount> {
    return this.fallback.admit(
      (within) => within(this.shared.peek(key)),
      () => this.memory.peek(key),
    );
  }

  async reset(key: string): Promise<void> {
    await this.fallback.record(
      (within) => within(this.shared.reset(key)),
      () => this.memory.reset(key),
    );
  }
}

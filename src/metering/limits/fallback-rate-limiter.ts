// Rate limits in Redis that fall back to this instance's memory while Redis is away or slower than its budget (or
// refuse with 503 limits_unavailable, in closed mode). Counts kept in memory are dropped when Redis answers again;
// the shared counters resume as they were, so they miss at most the outage's last two minutes of requests.
import type { RedisFallback } from '../../cache/redis-fallback.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';
import { MemoryRateLimiter, type RateCheck, type RateDecision, type RateLimiter, type RedisRateLimiter } from './rate-limiter.js';

export class FallbackRateLimiter implements RateLimiter {
  private memory = new MemoryRateLimiter();

  constructor(
    private readonly shared: RedisRateLimiter,
    private readonly fallback: RedisFallback,
  ) {
    fallback.onRecovery(() => {
      this.memory = new MemoryRateLimiter();
    });
  }

  consume(checks: readonly RateCheck[], now?: number): MaybePromise<RateDecision> {
    return this.fallback.admit(
      (within) => within(this.shared.consume(checks, now)),
      () => this.memory.consume(checks, now),
    );
  }

  adjust(key: string, delta: number, now?: number): Promise<void> {
    // A correction goes wherever counting goes now: to memory, if Redis is away, even for a request Redis admitted.
    return Promise.resolve(
      this.fallback.record(
        (within) => within(this.shared.adjust(key, delta, now)),
        () => this.memory.adjust(key, delta, now),
      ),
    );
  }
}

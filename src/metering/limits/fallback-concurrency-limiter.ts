// Concurrency slots in Redis that fall back to this instance's memory while Redis is away or slower than its budget
// (or refuse with 503 limits_unavailable, in closed mode). In memory each instance lets the whole limit in on its own,
// so N instances may run up to N times the limit during an outage. A lease is released where it was taken: slots
// taken in memory go back to that memory, slots taken in Redis go back to Redis, or — Redis being away — expire
// there with their lease. Requests admitted in memory are not counted in Redis once it answers again; they end soon.
import type { RedisFallback } from '../../cache/redis-fallback.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';
import {
  type ConcurrencyLimiter,
  MemoryConcurrencyLimiter,
  type RedisConcurrencyLimiter,
  type SlotCheck,
  type SlotDecision,
  type SlotLease,
} from './concurrency-limiter.js';

export class FallbackConcurrencyLimiter implements ConcurrencyLimiter {
  private memory = new MemoryConcurrencyLimiter();
  /** Leases taken in memory, by the memory that took them: they go back there, even after Redis is back. */
  private readonly local = new WeakMap<SlotLease, MemoryConcurrencyLimiter>();

  constructor(
    private readonly shared: RedisConcurrencyLimiter,
    private readonly fallback: RedisFallback,
  ) {
    fallback.onRecovery(() => {
      this.memory = new MemoryConcurrencyLimiter();
    });
  }

  acquire(checks: readonly SlotCheck[]): MaybePromise<SlotDecision> {
    return this.fallback.admit(
      (within) => this.shared.acquire(checks, within),
      () => {
        const memory = this.memory;
        const decision = memory.acquire(checks);
        if (decision.acquired) this.local.set(decision.lease, memory);
        return decision;
      },
    );
  }

  release(lease: SlotLease): MaybePromise<void> {
    const memory = this.local.get(lease);
    if (memory) {
      this.local.delete(lease);
      return memory.release(lease);
    }
    return this.fallback.record(
      (within) => this.shared.release(lease, within),
      () => {
        this.shared.forget(lease);
      },
    );
  }
}

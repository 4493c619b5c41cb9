// Requests in flight at once, per tenant, key and customer: a slot is taken in every applicable counter (all or none)
// when a request is admitted and given back when it ends. In memory, or in Redis for all instances: there each slot is
// a member of a sorted set scored by its lease's expiry, which its instance renews while the request runs, so the
// slots of an instance that died are reclaimed once their leases run out.
import type { Redis } from '../../cache/redis.js';
import type { RedisBudget } from '../../cache/redis-fallback.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';
import { randomBase62 } from '../../store/ids.js';

export interface SlotCheck {
  /** Identifies the counter, e.g. `key:key_123`. */
  key: string;
  limit: number;
}

export interface SlotLease {
  readonly id: string;
  readonly checks: readonly SlotCheck[];
}

/** Acquired: the lease to give back; refused: the index of the first check that is full. */
export type SlotDecision = { acquired: true; lease: SlotLease } | { acquired: false; refused: number };

/** In memory the answers come at once; in Redis, as promises. */
export interface ConcurrencyLimiter {
  acquire(checks: readonly SlotCheck[]): MaybePromise<SlotDecision>;
  /** Gives the lease's slots back; a lease is released once (later calls do nothing). */
  release(lease: SlotLease): MaybePromise<void>;
}

export class MemoryConcurrencyLimiter implements ConcurrencyLimiter {
  private readonly inFlight = new Map<string, number>();
  private readonly held = new WeakSet<SlotLease>();

  acquire(checks: readonly SlotCheck[]): SlotDecision {
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i] as SlotCheck;
      if ((this.inFlight.get(check.key) ?? 0) >= check.limit) return { acquired: false, refused: i };
    }
    for (const check of checks) this.inFlight.set(check.key, (this.inFlight.get(check.key) ?? 0) + 1);
    const lease = { id: '', checks };
    this.held.add(lease);
    return { acquired: true, lease };
  }

  release(lease: SlotLease): undefined {
    if (!this.held.delete(lease)) return undefined;
    for (const check of lease.checks) {
      const left = (this.inFlight.get(check.key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(check.key);
      else this.inFlight.set(check.key, left);
    }
    return undefined;
  }

  /** Requests in flight on a counter (tests, and the fallback's bookkeeping). */
  count(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }
}

// KEYS: one sorted set per check. ARGV: now, slot id, lease expiry, key ttl, then each check's limit.
// Drops expired slots (their instance stopped renewing them), then takes a slot in every set if all have room.
// Returns 0 when taken, else the 1-based index of the first set that is full.
const ACQUIRE = `
local now, id, expiry, ttl = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  if redis.call('ZCARD', KEYS[i]) >= tonumber(ARGV[4 + i]) then return i end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], expiry, id)
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return 0
`;

// KEYS: the lease's sets; ARGV: its slot id.
const RELEASE = `
for i = 1, #KEYS do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 0
`;

// KEYS: one set per slot held; ARGV: the new expiry, key ttl, then the slot id in each set. A slot dropped while its
// instance could not renew it (Redis away) is added back: the request still runs.
const RENEW = `
local expiry, ttl = ARGV[1], tonumber(ARGV[2])
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], expiry, ARGV[2 + i])
  redis.call('PEXPIRE', KEYS[i], ttl)
end
return 0
`;

/** Slots renewed per Redis call. */
const RENEW_CHUNK = 500;

export class RedisConcurrencyLimiter implements ConcurrencyLimiter {
  /** Leases this instance holds in Redis, renewed together on one timer while there are any. */
  private readonly held = new Set<SlotLease>();
  private renewal: NodeJS.Timeout | undefined;
  private readonly instance = randomBase62(10);
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a slot outlives the last renewal of its instance (SHUTTLE_CONCURRENCY_LEASE_MS). */
    private readonly leaseMs: number,
    private readonly onRenewalFailure: (error: unknown) => void = () => undefined,
    /** Bounds each renewal (the fallback's budget); unbounded by default. */
    private readonly renewWithin: RedisBudget = (call) => call,
  ) {}

  /** A slot Redis takes after its caller gave up waiting (`within` rejected) is given back at once, not left to expire. */
  async acquire(checks: readonly SlotCheck[], within: RedisBudget = (call) => call): Promise<SlotDecision> {
    const id = `${this.instance}:${++this.sequence}`;
    const now = Date.now();
    const call = this.redis.eval(
      ACQUIRE,
      checks.length,
      ...this.keys(checks),
      now,
      id,
      now + this.leaseMs,
      2 * this.leaseMs,
      ...checks.map((check) => check.limit),
    ) as Promise<number>;
    const refused = Number(
      await within(call).catch((error: unknown) => {
        call.then(
          (status) => {
            if (Number(status) === 0) void this.redis.eval(RELEASE, checks.length, ...this.keys(checks), id).catch(() => undefined);
          },
          () => undefined,
        );
        throw error;
      }),
    );
    if (refused !== 0) return { acquired: false, refused: refused - 1 };
    const lease = { id, checks };
    this.held.add(lease);
    this.keepRenewing();
    return { acquired: true, lease };
  }

  async release(lease: SlotLease, within: RedisBudget = (call) => call): Promise<void> {
    if (!this.forget(lease)) return;
    await within(this.redis.eval(RELEASE, lease.checks.length, ...this.keys(lease.checks), lease.id) as Promise<unknown>);
  }

  /** Stops renewing a lease without telling Redis (it is away): its slots expire with their lease. */
  forget(lease: SlotLease): boolean {
    const had = this.held.delete(lease);
    if (this.held.size === 0 && this.renewal !== undefined) {
      clearInterval(this.renewal);
      this.renewal = undefined;
    }
    return had;
  }

  /** Stops renewing (at shutdown): the leases still held expire by themselves. */
  close(): void {
    if (this.renewal !== undefined) clearInterval(this.renewal);
    this.renewal = undefined;
    this.held.clear();
  }

  private keepRenewing(): void {
    if (this.renewal !== undefined) return;
    this.renewal = setInterval(() => void this.renew(), Math.max(100, Math.floor(this.leaseMs / 3)));
    this.renewal.unref();
  }

  private async renew(): Promise<void> {
    const keys: string[] = [];
    const ids: string[] = [];
    for (const lease of this.held) {
      for (const key of this.keys(lease.checks)) {
        keys.push(key);
        ids.push(lease.id);
      }
    }
    const expiry = Date.now() + this.leaseMs;
    for (let i = 0; i < keys.length; i += RENEW_CHUNK) {
      const chunk = keys.slice(i, i + RENEW_CHUNK);
      try {
        await this.renewWithin(
          this.redis.eval(RENEW, chunk.length, ...chunk, expiry, 2 * this.leaseMs, ...ids.slice(i, i + RENEW_CHUNK)) as Promise<unknown>,
        );
      } catch (error) {
        this.onRenewalFailure(error);
        return;
      }
    }
  }

  private keys(checks: readonly SlotCheck[]): string[] {
    return checks.map((check) => `${this.prefix}slots:${check.key}`);
  }
}

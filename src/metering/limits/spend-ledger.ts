// Cost budgets: before a call its maximum cost is reserved against every applicable budget (all or none), after it
// the reservation is replaced by the actual cost. Concurrent requests therefore cannot overspend a limit by more
// than the difference between their estimates and what they really cost. In memory, or in Redis for all instances.
import type { Redis } from '../../cache/redis.js';
import type { RedisBudget } from '../../cache/redis-fallback.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';
import { randomBase62 } from '../../store/ids.js';

export interface BudgetCheck {
  /** Identifies a budget and its period, e.g. `tenant:ten_1:month:2026-11`. */
  key: string;
  limitMicros: number;
  /** How long the budget's counter is worth keeping; null for all-time budgets. */
  ttlMs: number | null;
  /** What was already spent in this budget's period, from the database (asked once, when the counter is new). */
  load(): Promise<number>;
}

export interface Reservation {
  id: string;
  checks: readonly BudgetCheck[];
  amountMicros: number;
  /** In Redis: the time (ms) until which Redis holds it at least — its expiry when last reserved or renewed. */
  heldUntil?: number;
}

export interface Refusal {
  key: string;
  limitMicros: number;
  spentMicros: number;
  reservedMicros: number;
}

export type BudgetDecision = { allowed: true; reservation: Reservation } | { allowed: false; refused: Refusal };

export interface Settlement {
  check: BudgetCheck;
  beforeMicros: number;
  afterMicros: number;
}

/** In memory, a ledger whose counters are loaded answers at once; in Redis, with a promise. */
export interface SpendLedger {
  reserve(checks: readonly BudgetCheck[], amountMicros: number): MaybePromise<BudgetDecision>;
  settle(reservation: Reservation, actualMicros: number): MaybePromise<Settlement[]>;
  /**
   * How often a reservation held by a call still in flight must be renewed, so that it outlives the time after
   * which an unsettled reservation is taken for one of a crashed instance; null when reservations never expire.
   */
  readonly renewEveryMs: number | null;
  renew(reservation: Reservation): MaybePromise<void>;
}

interface Counter {
  spent: number;
  reserved: number;
  expiresAt: number;
}

export class MemorySpendLedger implements SpendLedger {
  // A reservation in memory lives as long as its process: nothing to renew.
  readonly renewEveryMs = null;
  private readonly counters = new Map<string, Counter>();
  private readonly loading = new Map<string, Promise<Counter>>();
  private reservations = 0;

  reserve(checks: readonly BudgetCheck[], amountMicros: number): MaybePromise<BudgetDecision> {
    return this.withCounters(checks, (counters) => this.decide(checks, counters, amountMicros));
  }

  renew(): undefined {
    return undefined;
  }

  settle(reservation: Reservation, actualMicros: number): MaybePromise<Settlement[]> {
    return this.withCounters(reservation.checks, (counters) => this.apply(reservation, counters, actualMicros));
  }

  /**
   * Runs `use` on every check's counter: at once when all are in memory and current, else once the missing ones — a
   * new budget, or a new day or month since the reservation — are loaded.
   */
  private withCounters<T>(checks: readonly BudgetCheck[], use: (counters: readonly Counter[]) => T): MaybePromise<T> {
    const now = Date.now();
    const live: Counter[] = [];
    for (const check of checks) {
      const counter = this.live(check.key, now);
      if (counter === undefined) return Promise.all(checks.map((c) => this.counter(c))).then(use);
      live.push(counter);
    }
    return use(live);
  }

  /** Checks every budget and, if all have room, reserves in all of them; synchronous, so atomic on one event loop. */
  private decide(checks: readonly BudgetCheck[], counters: readonly Counter[], amountMicros: number): BudgetDecision {
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i] as BudgetCheck;
      const counter = counters[i] as Counter;
      if (counter.spent + counter.reserved + amountMicros > check.limitMicros) {
        return {
          allowed: false,
          refused: { key: check.key, limitMicros: check.limitMicros, spentMicros: counter.spent, reservedMicros: counter.reserved },
        };
      }
    }
    for (const counter of counters) counter.reserved += amountMicros;
    // Only Redis needs a reservation's id to find it again; in memory a sequence number is enough.
    return { allowed: true, reservation: { id: String(++this.reservations), checks, amountMicros } };
  }

  private apply(reservation: Reservation, counters: readonly Counter[], actualMicros: number): Settlement[] {
    const settlements: Settlement[] = [];
    for (let i = 0; i < counters.length; i++) {
      const counter = counters[i] as Counter;
      counter.reserved = Math.max(0, counter.reserved - reservation.amountMicros);
      const beforeMicros = counter.spent;
      counter.spent += actualMicros;
      settlements.push({ check: reservation.checks[i] as BudgetCheck, beforeMicros, afterMicros: counter.spent });
    }
    return settlements;
  }

  private live(key: string, now: number): Counter | undefined {
    const counter = this.counters.get(key);
    return counter !== undefined && counter.expiresAt > now ? counter : undefined;
  }

  private async counter(check: BudgetCheck): Promise<Counter> {
    const existing = this.live(check.key, Date.now());
    if (existing) return existing;
    let pending = this.loading.get(check.key);
    if (!pending) {
      pending = check.load().then(
        (spent) => {
          const counter = { spent, reserved: 0, expiresAt: check.ttlMs === null ? Number.POSITIVE_INFINITY : Date.now() + check.ttlMs };
          this.counters.set(check.key, counter);
          this.loading.delete(check.key);
          this.sweep();
          return counter;
        },
        // A failed load (the database out of reach) fails the requests waiting for it, and the next one loads again:
        // kept, it would refuse the tenant, key or customer until the period rolled over.
        (error: unknown) => {
          this.loading.delete(check.key);
          throw error;
        },
      );
      this.loading.set(check.key, pending);
    }
    return pending;
  }

  private sweep(): void {
    if (this.counters.size < 50_000) return;
    const now = Date.now();
    for (const [key, counter] of this.counters) if (counter.expiresAt <= now && counter.reserved === 0) this.counters.delete(key);
  }
}

// KEYS per budget: spent, reservations (hash id → amount), reservation expiries (zset id → ms).
// ARGV: now, reservation id, amount, expiry, then each budget's limit and ttl (0 = none).
// Returns {0} when reserved; {-i} when budget i has no counter yet; {i, spent, reserved} when budget i refuses.
const RESERVE = `
local now, id, amount, expiry = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local n = #KEYS / 3
for i = 1, n do
  local spentKey, holds, expiries = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  if redis.call('EXISTS', spentKey) == 0 then return {-i} end
  for _, stale in ipairs(redis.call('ZRANGEBYSCORE', expiries, '-inf', now)) do redis.call('HDEL', holds, stale) end
  redis.call('ZREMRANGEBYSCORE', expiries, '-inf', now)
  local reserved = 0
  for _, held in ipairs(redis.call('HVALS', holds)) do reserved = reserved + tonumber(held) end
  local spent = tonumber(redis.call('GET', spentKey))
  if spent + reserved + amount > tonumber(ARGV[3 + 2 * i]) then return {i, spent, reserved} end
end
for i = 1, n do
  redis.call('HSET', KEYS[3 * i - 1], id, amount)
  redis.call('ZADD', KEYS[3 * i], expiry, id)
  local ttl = tonumber(ARGV[4 + 2 * i])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[3 * i - 1], ttl)
    redis.call('PEXPIRE', KEYS[3 * i], ttl)
  end
end
return {0}
`;

// KEYS per budget as above; ARGV: reservation id, actual cost, now, and the time from which a reservation no longer
// held may have expired rather than been settled (0: add the cost whether or not it is held). Returns each budget's
// spent after settling (-1: gone).
const SETTLE = `
local id, cost, now, mayHaveExpiredFrom = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local result = {}
for i = 1, #KEYS / 3 do
  local held = redis.call('HDEL', KEYS[3 * i - 1], id) == 1
  redis.call('ZREM', KEYS[3 * i], id)
  if redis.call('EXISTS', KEYS[3 * i - 2]) == 0 then
    result[i] = -1
  elseif held or now >= mayHaveExpiredFrom then
    result[i] = redis.call('INCRBY', KEYS[3 * i - 2], cost)
  else
    result[i] = tonumber(redis.call('GET', KEYS[3 * i - 2]))
  end
end
return result
`;

/**
 * How much earlier than this instance's clock says another instance may take a reservation for expired and drop it
 * (their clocks differ): a settlement sent again counts its cost from then on, even where the reservation is gone.
 */
const CLOCK_SKEW_MS = 5000;

// KEYS per budget as above; ARGV: reservation id, new expiry. Moves a reservation's expiry on, if it is still held.
const RENEW = `
for i = 1, #KEYS / 3 do
  if redis.call('HEXISTS', KEYS[3 * i - 1], ARGV[1]) == 1 then redis.call('ZADD', KEYS[3 * i], 'XX', ARGV[2], ARGV[1]) end
end
return 0
`;

export class RedisSpendLedger implements SpendLedger {
  readonly renewEveryMs: number;
  private readonly initialising = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How long a reservation holds if its request never settles (a crashed instance); renewed while it runs. */
    private readonly reservationTtlMs: number,
  ) {
    this.renewEveryMs = Math.max(1, Math.floor(reservationTtlMs / 3));
  }

  async renew(reservation: Reservation): Promise<void> {
    const expiry = Date.now() + this.reservationTtlMs;
    await this.redis.eval(RENEW, reservation.checks.length * 3, ...this.keys(reservation.checks), reservation.id, expiry);
    reservation.heldUntil = expiry;
  }

  /**
   * `within` bounds each round trip to Redis (not the loads from the database in between); a reservation Redis makes
   * after its caller gave up on it is released again rather than left to expire.
   */
  async reserve(checks: readonly BudgetCheck[], amountMicros: number, within: RedisBudget = (call) => call): Promise<BudgetDecision> {
    const id = randomBase62(16);
    const now = Date.now();
    const args = [now, id, amountMicros, now + this.reservationTtlMs, ...checks.flatMap((check) => [check.limitMicros, check.ttlMs ?? 0])];
    for (let attempt = 0; attempt <= checks.length; attempt++) {
      const call = this.redis.eval(RESERVE, checks.length * 3, ...this.keys(checks), ...args) as Promise<number[]>;
      const answer = await within(call).catch((error: unknown) => {
        call.then(
          ([status]) => {
            if (Number(status) === 0) this.settle({ id, checks, amountMicros }, 0).catch(() => undefined);
          },
          () => undefined,
        );
        throw error;
      });
      const [status, spent, reserved] = answer.map(Number);
      if (status === 0) return { allowed: true, reservation: { id, checks, amountMicros, heldUntil: now + this.reservationTtlMs } };
      const check = checks[Math.abs(status ?? 1) - 1] as BudgetCheck;
      if ((status ?? 0) > 0) {
        return {
          allowed: false,
          refused: { key: check.key, limitMicros: check.limitMicros, spentMicros: spent ?? 0, reservedMicros: reserved ?? 0 },
        };
      }
      await this.initialise(check);
    }
    throw new Error('spend counters could not be initialised');
  }

  /** Seeds a budget's counter from the database; concurrent requests for the same budget share one load. */
  private initialise(check: BudgetCheck): Promise<unknown> {
    let pending = this.initialising.get(check.key);
    if (!pending) {
      const spentKey = this.keys([check])[0] as string;
      pending = check
        .load()
        .then((loaded) =>
          check.ttlMs === null ? this.redis.set(spentKey, loaded, 'NX') : this.redis.set(spentKey, loaded, 'PX', check.ttlMs, 'NX'),
        )
        .finally(() => this.initialising.delete(check.key));
      this.initialising.set(check.key, pending);
    }
    return pending;
  }

  /**
   * Replaces the reservation by the actual cost. `again`: this settlement was sent before, and Redis may have run it
   * after its caller gave up (a frozen Redis runs what it had received when it thaws). Its cost is then added only
   * where the reservation is still held — the earlier command would have removed it — or may have expired meanwhile.
   */
  async settle(reservation: Reservation, actualMicros: number, options: { again?: boolean } = {}): Promise<Settlement[]> {
    const mayHaveExpiredFrom = options.again ? (reservation.heldUntil ?? 0) - CLOCK_SKEW_MS : 0;
    const after = (
      (await this.redis.eval(
        SETTLE,
        reservation.checks.length * 3,
        ...this.keys(reservation.checks),
        reservation.id,
        Math.round(actualMicros),
        Date.now(),
        mayHaveExpiredFrom,
      )) as number[]
    ).map(Number);
    return reservation.checks.flatMap((check, i) => {
      const afterMicros = after[i] ?? -1;
      return afterMicros < 0 ? [] : [{ check, beforeMicros: afterMicros - actualMicros, afterMicros }];
    });
  }

  private keys(checks: readonly BudgetCheck[]): string[] {
    return checks.flatMap((check) => [
      `${this.prefix}spend:${check.key}`,
      `${this.prefix}holds:${check.key}`,
      `${this.prefix}hold-expiries:${check.key}`,
    ]);
  }
}

// Cost budgets in Redis that fall back to this instance's memory while Redis is away or slower than its budget (or
// refuse with 503 limits_unavailable, in closed mode). In memory, a budget starts from what the database holds as
// spent, so each instance enforces the whole limit on its own for the outage's duration. Every cost that could not
// be added to Redis's counters meanwhile (requests admitted in memory, settlements that failed) is owed to them and
// added when Redis answers again, once — unless Redis restarted, and seeds its counters from the database again,
// which holds those costs already; the memory is then dropped.
import type { Logger } from 'pino';
import type { RedisFallback } from '../../cache/redis-fallback.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';
import {
  type BudgetCheck,
  type BudgetDecision,
  MemorySpendLedger,
  type RedisSpendLedger,
  type Reservation,
  type Settlement,
  type SpendLedger,
} from './spend-ledger.js';

interface OwedCost {
  reservation: Reservation;
  actualMicros: number;
}

/** Beyond this many costs owed to Redis the oldest are dropped (a counter seeded again from the database has them). */
const MAX_OWED = 100_000;

export class FallbackSpendLedger implements SpendLedger {
  readonly renewEveryMs: number;
  private memory = new MemorySpendLedger();
  /** Reservations made in memory, by the ledger that made them: they are settled there, even after Redis is back. */
  private readonly local = new WeakMap<Reservation, MemorySpendLedger>();
  private owed: OwedCost[] = [];

  constructor(
    private readonly shared: RedisSpendLedger,
    private readonly fallback: RedisFallback,
    private readonly logger: Logger,
  ) {
    this.renewEveryMs = shared.renewEveryMs;
    fallback.onRecovery(({ restarted }) => {
      this.memory = new MemorySpendLedger();
      if (restarted) this.owed = [];
      else void this.payOwed();
    });
  }

  reserve(checks: readonly BudgetCheck[], amountMicros: number): MaybePromise<BudgetDecision> {
    return this.fallback.admit(
      (within) => this.shared.reserve(checks, amountMicros, within),
      () => {
        const memory = this.memory;
        const decided = memory.reserve(checks, amountMicros);
        const remember = (decision: BudgetDecision): BudgetDecision => {
          if (decision.allowed) this.local.set(decision.reservation, memory);
          return decision;
        };
        return decided instanceof Promise ? decided.then(remember) : remember(decided);
      },
    );
  }

  settle(reservation: Reservation, actualMicros: number): MaybePromise<Settlement[]> {
    const memory = this.local.get(reservation);
    if (memory) {
      this.owe({ reservation, actualMicros });
      return memory.settle(reservation, actualMicros);
    }
    return this.fallback.record(
      (within) => within(this.shared.settle(reservation, actualMicros)),
      () => {
        // Its hold in Redis expires by itself; its cost is added once Redis answers again.
        this.owe({ reservation, actualMicros });
        return [];
      },
    );
  }

  renew(reservation: Reservation): Promise<void> | undefined {
    if (this.local.has(reservation)) return undefined;
    return Promise.resolve(
      this.fallback.record(
        (within) => within(this.shared.renew(reservation)),
        () => undefined,
      ),
    );
  }

  private owe(cost: OwedCost): void {
    if (cost.actualMicros <= 0) return;
    this.owed.push(cost);
    if (this.owed.length > MAX_OWED) this.owed.shift();
  }

  /** Adds the costs owed to Redis's counters (one Redis no longer has is seeded from the database at its next use). */
  private async payOwed(): Promise<void> {
    const owed = this.owed;
    this.owed = [];
    for (const [i, cost] of owed.entries()) {
      try {
        // A settlement that timed out may have run when Redis thawed; one admitted in memory was never held there.
        await this.shared.settle(cost.reservation, cost.actualMicros, { again: true });
      } catch (error) {
        this.owed.push(...owed.slice(i));
        this.logger.warn({ err: error, owed: this.owed.length }, 'costs of the Redis outage not yet added to the shared counters');
        return;
      }
    }
  }
}

// Decides, call by call, whether shared state is asked of Redis or — while Redis is away, or slower than its budget —
// of this instance's memory (SHUTTLE_REDIS_FAILURE_MODE=local) or of no one (closed: 503 limits_unavailable).
import type { Logger } from 'pino';
import { isPromise, type MaybePromise } from '../domain/maybe-promise.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import type { Redis } from './redis.js';

export type RedisFailureMode = 'local' | 'closed';

/**
 * Bounds one Redis round trip by the budget. Shared-state calls wrap each of their Redis commands in it, and nothing
 * else: a budget's first load from the database is not Redis being slow.
 */
export type RedisBudget = <T>(call: Promise<T>) => Promise<T>;

/** What a refused client is told to wait: about as long as ioredis's reconnection back-off (at most 2 s) and a try. */
const RETRY_AFTER_SECONDS = 5;
/**
 * Calls in a row that Redis failed or did not answer in time before calls stop asking it (the breaker opens): a frozen
 * Redis would otherwise cost every request the whole budget. One slow answer alone does not open it.
 */
const FAILURES_TO_OPEN = 3;
/** While the breaker is open, how often one PING asks whether Redis answers again. */
const PROBE_INTERVAL_MS = 1000;

export interface Recovery {
  /** Whether the Redis server answering now is another process than before the outage: a restart, which may have lost counts. */
  restarted: boolean;
}

export class RedisFallback {
  private degraded = false;
  private recovering = false;
  private failuresInARow = 0;
  private probing = false;
  private probedAt = 0;
  private readonly recoveryHandlers: Array<(recovery: Recovery) => void> = [];
  /** The Redis server process last seen (INFO's run_id), and the one seen when the outage began. */
  private runId: string | undefined;
  private runIdBeforeOutage: string | undefined;

  constructor(
    private readonly redis: Redis,
    readonly mode: RedisFailureMode,
    /** How long a call may take before the caller falls back (SHUTTLE_REDIS_TIMEOUT_MS). */
    private readonly budgetMs: number,
    private readonly logger: Logger,
  ) {
    // ioredis reports every failed reconnection as an 'error' event; without a listener it prints each one.
    redis.on('error', () => undefined);
    redis.on('ready', () => {
      if (!this.degraded) void this.readRunId().catch(() => undefined);
    });
  }

  /**
   * Runs `handler` when Redis answers again after calls fell back: counts kept in memory meanwhile are then to be
   * dropped, and shared ones that missed what happened meanwhile are to be corrected.
   */
  onRecovery(handler: (recovery: Recovery) => void): void {
    this.recoveryHandlers.push(handler);
  }

  /** For an admission (a limit, a login attempt): Redis, else this instance's count (local) or a 503 (closed). */
  admit<T>(shared: (within: RedisBudget) => Promise<T>, local: () => MaybePromise<T>): MaybePromise<T> {
    const refuseOrLocal = (): MaybePromise<T> => {
      if (this.mode === 'closed') return Promise.reject(limitsUnavailable());
      return local();
    };
    return this.run(shared, refuseOrLocal);
  }

  /** For bookkeeping after an admission (a correction, a settlement), which refuses nothing: Redis, else memory. */
  record<T>(shared: (within: RedisBudget) => Promise<T>, local: () => MaybePromise<T>): MaybePromise<T> {
    return this.run(shared, local);
  }

  private readonly within: RedisBudget = (call) => withinBudget(call, this.budgetMs);

  private run<T>(shared: (within: RedisBudget) => Promise<T>, fallback: () => MaybePromise<T>): MaybePromise<T> {
    // Not connected: no call at all, so the request waits for nothing (commands would fail at once anyway).
    if (this.redis.status !== 'ready') {
      this.degrade(undefined);
      return fallback();
    }
    if (this.breakerOpen) {
      this.probe();
      return fallback();
    }
    return shared(this.within).then(
      (value) => {
        this.failuresInARow = 0;
        if (this.degraded) void this.recover();
        return value;
      },
      (error: unknown) => {
        this.failuresInARow++;
        this.degrade(error);
        const value = fallback();
        return isPromise(value) ? value : Promise.resolve(value);
      },
    );
  }

  /** For /readyz: `degraded` while calls fall back (Redis away, or its outage not yet over). */
  get state(): 'ok' | 'degraded' {
    return this.degraded || this.redis.status !== 'ready' ? 'degraded' : 'ok';
  }

  /** Whether calls skip Redis: it failed FAILURES_TO_OPEN calls in a row, and no probe has found it answering since. */
  get breakerOpen(): boolean {
    return this.degraded && this.failuresInARow >= FAILURES_TO_OPEN;
  }

  /** One PING at most every PROBE_INTERVAL_MS, within the budget: an answer ends the outage. */
  private probe(): void {
    const now = Date.now();
    if (this.probing || now - this.probedAt < PROBE_INTERVAL_MS) return;
    this.probing = true;
    this.probedAt = now;
    this.within(this.redis.ping())
      .then(() => {
        this.failuresInARow = 0;
        return this.recover();
      })
      .catch(() => undefined)
      .finally(() => {
        this.probing = false;
      });
  }

  private degrade(error: unknown): void {
    if (this.degraded) return;
    this.degraded = true;
    this.runIdBeforeOutage = this.runId;
    this.logger.warn(
      { err: error, redisStatus: this.redis.status, failureMode: this.mode },
      this.mode === 'local'
        ? 'Redis unavailable: limits and login throttling are counted per instance until it answers again'
        : 'Redis unavailable: limited requests and logins are refused (503) until it answers again',
    );
  }

  private async recover(): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    try {
      const runId = await this.readRunId();
      const restarted = this.runIdBeforeOutage !== undefined && runId !== this.runIdBeforeOutage;
      this.degraded = false;
      this.logger.warn({ restarted }, 'Redis answers again: limits and login throttling are shared across instances again');
      for (const handler of this.recoveryHandlers) handler({ restarted });
    } catch {
      // Still degraded: the next call that succeeds tries again.
    } finally {
      this.recovering = false;
    }
  }

  private async readRunId(): Promise<string | undefined> {
    const info = await this.within(this.redis.info('server'));
    this.runId = /run_id:(\w+)/.exec(info)?.[1];
    return this.runId;
  }
}

/**
 * The call's result, or a rejection once `budgetMs` has passed. Not ioredis's commandTimeout: on a busy event loop its
 * timer fires before the socket is read, failing calls whose answers had arrived; here the deadline is checked only
 * after the event loop has read what arrived (setImmediate runs after the poll phase).
 */
export function withinBudget<T>(call: Promise<T>, budgetMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (!settled) reject(new Error(`Redis did not answer within ${budgetMs} ms`));
      });
    }, budgetMs);
    call.then(
      (value) => {
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export function limitsUnavailable(): ShuttleError {
  return new ShuttleError('limits_unavailable', { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
}

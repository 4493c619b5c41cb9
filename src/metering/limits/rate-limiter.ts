// Requests and tokens per minute, as a sliding window: the previous minute's count weighs in proportion to how
// much of it still overlaps the last 60 seconds. In memory, or in Redis (one Lua call) so all instances share it.
import type { Redis } from '../../cache/redis.js';
import type { MaybePromise } from '../../domain/maybe-promise.js';

export const WINDOW_MS = 60_000;

export interface RateCheck {
  /** Identifies the counter, e.g. `key:key_123:rpm`. */
  key: string;
  limit: number;
  /** How much this request uses: 1 for requests, the estimated tokens for tokens. */
  cost: number;
}

export interface RateState {
  key: string;
  limit: number;
  remaining: number;
  /** Milliseconds until the window has fully replenished. */
  resetMs: number;
  /** When refused: milliseconds until this request would fit. */
  retryAfterMs: number;
}

export type RateDecision = { allowed: true; states: RateState[] } | { allowed: false; refused: RateState };

/** Counters in memory answer at once; those in Redis answer with a promise. */
export interface RateLimiter {
  /** Takes `cost` from every counter if all of them have room, else takes nothing. */
  consume(checks: readonly RateCheck[], now?: number): MaybePromise<RateDecision>;
  /** Corrects a counter after the fact (actual tokens minus the estimate; may be negative). */
  adjust(key: string, delta: number, now?: number): MaybePromise<void>;
}

/** The window arithmetic shared by both implementations (the Lua script mirrors it). */
export function evaluate(check: RateCheck, previous: number, current: number, now: number): { state: RateState; fits: boolean } {
  const elapsed = now % WINDOW_MS;
  const weight = 1 - elapsed / WINDOW_MS;
  const used = previous * weight + current;
  const fits = used + check.cost <= check.limit;
  const after = fits ? used + check.cost : used;
  let retryAfterMs = 0;
  if (!fits) {
    // Within this window the previous minute's share decays linearly; after it, the current count does.
    const needed = used + check.cost - check.limit;
    const decayPerMs = previous / WINDOW_MS;
    if (decayPerMs > 0 && needed <= previous * weight) retryAfterMs = Math.ceil(needed / decayPerMs);
    else retryAfterMs = WINDOW_MS - elapsed + Math.ceil(((current + check.cost - check.limit) / Math.max(current, 1)) * WINDOW_MS);
  }
  const resetMs = current > 0 || (fits && check.cost > 0) ? 2 * WINDOW_MS - elapsed : previous > 0 ? WINDOW_MS - elapsed : 0;
  return {
    state: { key: check.key, limit: check.limit, remaining: Math.max(0, Math.floor(check.limit - after)), resetMs, retryAfterMs },
    fits,
  };
}

interface Counter {
  window: number;
  previous: number;
  current: number;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, Counter>();

  consume(checks: readonly RateCheck[], now = Date.now()): RateDecision {
    const states: RateState[] = [];
    const counters: Counter[] = [];
    for (const check of checks) {
      const counter = this.counter(check.key, now);
      const { state, fits } = evaluate(check, counter.previous, counter.current, now);
      if (!fits) return { allowed: false, refused: state };
      states.push(state);
      counters.push(counter);
    }
    for (let i = 0; i < checks.length; i++) (counters[i] as Counter).current += (checks[i] as RateCheck).cost;
    return { allowed: true, states };
  }

  adjust(key: string, delta: number, now = Date.now()): undefined {
    const counter = this.counter(key, now);
    counter.current = Math.max(0, counter.current + delta);
    return undefined;
  }

  private counter(key: string, now: number): Counter {
    const window = Math.floor(now / WINDOW_MS);
    let counter = this.windows.get(key);
    if (!counter) {
      counter = { window, previous: 0, current: 0 };
      this.windows.set(key, counter);
    } else if (counter.window !== window) {
      counter.previous = counter.window === window - 1 ? counter.current : 0;
      counter.current = 0;
      counter.window = window;
    }
    return counter;
  }
}

// KEYS: per check, the current and previous window counters. ARGV: now, then limit and cost per check.
// Returns {refused, current1, previous1, …}: refused is 0 when every check fits (and the cost was taken), else the
// 1-based index of the first that does not; the counts are as they were before this call.
const CONSUME = `
local now = tonumber(ARGV[1])
local n = #KEYS / 2
local result = {0}
local weight = 1 - (now % ${WINDOW_MS}) / ${WINDOW_MS}
for i = 1, n do
  local current = tonumber(redis.call('GET', KEYS[2 * i - 1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2 * i]) or '0')
  result[2 * i] = tostring(current)
  result[2 * i + 1] = tostring(previous)
  if result[1] == 0 and previous * weight + current + tonumber(ARGV[2 * i + 1]) > tonumber(ARGV[2 * i]) then result[1] = i end
end
if result[1] == 0 then
  for i = 1, n do
    redis.call('INCRBYFLOAT', KEYS[2 * i - 1], ARGV[2 * i + 1])
    redis.call('PEXPIRE', KEYS[2 * i - 1], ${3 * WINDOW_MS})
  end
end
return result
`;

const ADJUST = `
local value = tonumber(redis.call('INCRBYFLOAT', KEYS[1], ARGV[1]))
if value < 0 then redis.call('SET', KEYS[1], '0') end
redis.call('PEXPIRE', KEYS[1], ${3 * WINDOW_MS})
return 0
`;

export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async consume(checks: readonly RateCheck[], now = Date.now()): Promise<RateDecision> {
    if (checks.length === 0) return { allowed: true, states: [] };
    const window = Math.floor(now / WINDOW_MS);
    const keys = checks.flatMap((check) => [this.name(check.key, window), this.name(check.key, window - 1)]);
    const [refused, ...counts] = (
      (await this.redis.eval(CONSUME, keys.length, ...keys, now, ...checks.flatMap((c) => [c.limit, c.cost]))) as Array<number | string>
    ).map(Number);
    const refusedIndex = refused ?? 0;
    const states = checks.map((check, i) => evaluate(check, counts[2 * i + 1] ?? 0, counts[2 * i] ?? 0, now).state);
    if (refusedIndex !== 0) return { allowed: false, refused: states[refusedIndex - 1] as RateState };
    return { allowed: true, states };
  }

  async adjust(key: string, delta: number, now = Date.now()): Promise<void> {
    await this.redis.eval(ADJUST, 1, this.name(key, Math.floor(now / WINDOW_MS)), delta);
  }

  private name(key: string, window: number): string {
    return `${this.prefix}rate:${key}:${window}`;
  }
}

// OpenAI's rate-limit headers (x-ratelimit-limit-requests, -remaining-, -reset-, and the token ones), from the most
// constrained of the counters that applied.
import type { RateState } from './rate-limiter.js';

/** `.5`, `.25`, `.125`, `` for 500, 250, 125, 0 ms: a second's fraction as the shortest decimal, by millisecond. */
const FRACTIONS: readonly string[] = Array.from({ length: 1000 }, (_, ms) =>
  ms === 0 ? '' : `.${String(ms).padStart(3, '0').replace(/0+$/, '')}`,
);

/**
 * `20ms`, `1s`, `6.5s`, `6m0s` — the way OpenAI writes durations. Anything finer than a millisecond is rounded to one
 * first; whole seconds and milliseconds are written as integers (a fraction's digits come from a table), which spares
 * every response the conversion of a fractional number to text.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const whole = Number.isInteger(ms) ? ms : Math.round(ms);
  const minutes = Math.floor(whole / 60_000);
  const rest = whole - minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const text = `${seconds}${FRACTIONS[rest - seconds * 1000]}s`;
  return minutes === 0 ? text : `${minutes}m${text}`;
}

const HEADER_NAMES = {
  requests: ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'],
  tokens: ['x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
} as const;

/** Adds the headers of `kind` for states[from, to) to `headers`; none when the range is empty. */
export function addRateLimitHeaders(
  headers: Record<string, string>,
  kind: 'requests' | 'tokens',
  states: readonly RateState[],
  from = 0,
  to = states.length,
): void {
  if (to <= from) return;
  let tightest = states[from] as RateState;
  for (let i = from + 1; i < to; i++) {
    const state = states[i] as RateState;
    if (state.remaining / state.limit < tightest.remaining / tightest.limit) tightest = state;
  }
  const [limit, remaining, reset] = HEADER_NAMES[kind];
  headers[limit] = String(tightest.limit);
  headers[remaining] = String(tightest.remaining);
  headers[reset] = formatDuration(tightest.resetMs);
}

export function rateLimitHeaders(kind: 'requests' | 'tokens', states: readonly RateState[]): Record<string, string> {
  const headers: Record<string, string> = {};
  addRateLimitHeaders(headers, kind, states);
  return headers;
}

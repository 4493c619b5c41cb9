// OpenAI's rate-limit headers (x-ratelimit-limit-requests, -remaining-, -reset-, and the token ones), from the most
// constrained of the counters that applied.
import type { RateState } from './rate-limiter.js';

/** `20ms`, `1s`, `6.5s`, `6m0s` — the way OpenAI writes durations. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(3))}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${Number((seconds - minutes * 60).toFixed(3))}s`;
}

export function rateLimitHeaders(kind: 'requests' | 'tokens', states: readonly RateState[]): Record<string, string> {
  if (states.length === 0) return {};
  const tightest = states.reduce((a, b) => (b.remaining / b.limit < a.remaining / a.limit ? b : a));
  return {
    [`x-ratelimit-limit-${kind}`]: String(tightest.limit),
    [`x-ratelimit-remaining-${kind}`]: String(tightest.remaining),
    [`x-ratelimit-reset-${kind}`]: formatDuration(tightest.resetMs),
  };
}

// A provider's Retry-After (delta-seconds or an HTTP date, RFC 9110 §10.2.3), and whether a retry waits for it.
import type { UpstreamError } from '../../errors/shuttle-error.js';

/** The wait a Retry-After value asks for, in ms from `now`; undefined when it is neither form. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  // Whole seconds per the RFC; some providers send a fraction, which is as clear.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Each of the RFC's date forms starts with the day's name; Date.parse alone takes almost anything ("-1" is a year).
  const date = /^[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * What to do before the next try of a target that failed with `error`: wait the provider's Retry-After when the try's
 * budget (its timeout, counted from when it started) still has room for that wait, else give the target up at once
 * (`undefined`: the next target or fallback model, or the error, without waiting past the budget). Without a
 * Retry-After, `backoffMs` is waited.
 */
export function waitBeforeRetry(
  error: UpstreamError,
  budget: { startedAt: number; timeoutMs: number },
  backoffMs: number,
): number | undefined {
  const now = Date.now();
  const asked = retryAfterMs(error.headers['retry-after'], now);
  if (asked === undefined) return backoffMs;
  const left = budget.startedAt + budget.timeoutMs - now;
  return asked <= left ? asked : undefined;
}

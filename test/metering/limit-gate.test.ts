// LimitGate's own bookkeeping, below the HTTP tests in limits.test.ts: which counters and budgets a request is
// checked against (built once per subject and day), and the x-ratelimit-* headers.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import type { Limits } from '../../src/domain/limits.js';
import { DEFAULT_THRESHOLDS } from '../../src/metering/alert-settings.js';
import { LimitAlerts } from '../../src/metering/limits/limit-alerts.js';
import { type Admission, type AdmissionRequest, LimitGate, type LimitSubject } from '../../src/metering/limits/limit-gate.js';
import { addRateLimitHeaders, formatDuration } from '../../src/metering/limits/rate-limit-headers.js';
import { MemoryRateLimiter, type RateCheck, type RateLimiter, type RateState } from '../../src/metering/limits/rate-limiter.js';
import { type BudgetCheck, MemorySpendLedger, type SpendLedger } from '../../src/metering/limits/spend-ledger.js';
import { GatewayMetrics } from '../../src/metering/metrics.js';
import type { Db } from '../../src/store/database.js';

/** A ledger and limiter that remember what they were asked, around the in-memory ones (budgets start unspent). */
class RecordingLedger implements SpendLedger {
  readonly reserved: string[][] = [];
  private readonly inner = new MemorySpendLedger();
  reserve(checks: readonly BudgetCheck[], amountMicros: number) {
    this.reserved.push(checks.map((check) => `${check.key} ≤ ${check.limitMicros}`));
    return this.inner.reserve(
      checks.map((check) => ({ ...check, load: async () => 0 })),
      amountMicros,
    );
  }
  settle: SpendLedger['settle'] = (reservation, actual) => this.inner.settle(reservation, actual);
  renewEveryMs: number | null = null;
  renewed = 0;
  renew = () => {
    this.renewed++;
    return undefined;
  };
}

class RecordingLimiter implements RateLimiter {
  readonly consumed: string[][] = [];
  private readonly inner = new MemoryRateLimiter();
  consume(checks: readonly RateCheck[], now?: number) {
    this.consumed.push(checks.map((check) => `${check.key} ≤ ${check.limit}`));
    return this.inner.consume(checks, now);
  }
  adjust: RateLimiter['adjust'] = (key, delta, now) => this.inner.adjust(key, delta, now);
}

function gate() {
  const ledger = new RecordingLedger();
  const rates = new RecordingLimiter();
  const logger = createLogger('silent');
  // No budget here loads from the database (the recording ledger starts every budget at zero).
  const db = {} as Db;
  const limitGate = new LimitGate(db, rates, ledger, new LimitAlerts(db, logger), new GatewayMetrics(() => 0), logger);
  return { limitGate, ledger, rates };
}

function limits(costDay: number | null, requestsPerMinute: number | null, tokensPerMinute: number | null = null): Limits {
  return { costUsd: { day: costDay, month: null, total: null }, requestsPerMinute, tokensPerMinute, concurrentRequests: null };
}

function admission(subjects: LimitSubject[]): AdmissionRequest {
  return {
    tenantId: 'ten_1',
    alerts: { webhookUrl: null, thresholds: DEFAULT_THRESHOLDS, signingSecret: null },
    subjects,
    estimatedPromptTokens: 10,
    maxCompletionTokens: 20,
    maxPrice: { input: 1, output: 1 },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LimitGate', () => {
  it('checks each subject against its own counters and budgets, including two that share one limits object', async () => {
    const { limitGate, ledger, rates } = gate();
    const shared = limits(5, 100, 1000);
    await limitGate.admit(
      admission([
        { scope: 'tenant', id: 'ten_1', name: null, limits: shared },
        { scope: 'customer', id: 'cus_1', name: 'acme', limits: shared },
      ]),
    );
    expect(rates.consumed.at(-1)).toEqual([
      'tenant:ten_1:rpm ≤ 100',
      'customer:cus_1:rpm ≤ 100',
      'tenant:ten_1:tpm ≤ 1000',
      'customer:cus_1:tpm ≤ 1000',
    ]);
    expect(ledger.reserved.at(-1)).toEqual([
      expect.stringMatching(/^ten_1:tenant:ten_1:day:\d{4}-\d\d-\d\d ≤ 5000000$/),
      expect.stringMatching(/^ten_1:customer:cus_1:day:\d{4}-\d\d-\d\d ≤ 5000000$/),
    ]);
  });

  it('applies edited limits at once: a subject’s new limits object brings its new values', async () => {
    const { limitGate, ledger, rates } = gate();
    const subject = (l: Limits): LimitSubject => ({ scope: 'key', id: 'key_1', name: 'ci', limits: l });
    await limitGate.admit(admission([subject(limits(5, 100))]));
    await limitGate.admit(admission([subject(limits(7, null, 50))]));
    expect(rates.consumed).toEqual([['key:key_1:rpm ≤ 100'], ['key:key_1:tpm ≤ 50']]);
    expect(ledger.reserved.map((keys) => keys.map((key) => key.split(' ≤ ')[1]))).toEqual([['5000000'], ['7000000']]);
  });

  it('moves a daily budget to the new day’s bucket at midnight UTC, for a subject it has already seen', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { limitGate, ledger } = gate();
    const subject: LimitSubject = { scope: 'tenant', id: 'ten_1', name: null, limits: limits(5, null) };
    vi.setSystemTime(new Date('2026-12-01T23:59:59.900Z'));
    await limitGate.admit(admission([subject]));
    vi.setSystemTime(new Date('2026-12-02T00:00:00.100Z'));
    await limitGate.admit(admission([subject]));
    expect(ledger.reserved).toEqual([['ten_1:tenant:ten_1:day:2026-12-01 ≤ 5000000'], ['ten_1:tenant:ten_1:day:2026-12-02 ≤ 5000000']]);
  });

  it('renews a cost reservation while its call runs, and stops once it settles', async () => {
    const { limitGate, ledger } = gate();
    ledger.renewEveryMs = 5;
    const admitted = await limitGate.admit(admission([{ scope: 'tenant', id: 'ten_1', name: null, limits: limits(5, null) }]));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ledger.renewed).toBeGreaterThan(0);
    await admitted.settle(1, 1);
    const renewed = ledger.renewed;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(ledger.renewed).toBe(renewed);
  });

  it('names the subject in refusals as it is now: a renamed key under the same limits object gets its new name', async () => {
    const { limitGate } = gate();
    // A daily budget of 10 micro-dollars, which the request's estimate (at least 10 prompt tokens at 1 each) overdraws.
    const shared = limits(0.00001, null);
    const subject = (name: string): LimitSubject => ({ scope: 'key', id: 'key_1', name, limits: shared });
    await expect(limitGate.admit(admission([subject('ci')]))).rejects.toThrow('daily cost limit of key "ci"');
    await expect(limitGate.admit(admission([subject('deploy')]))).rejects.toThrow('daily cost limit of key "deploy"');
    const tenant: LimitSubject = { scope: 'tenant', id: 'ten_1', name: null, limits: limits(null, 1) };
    await limitGate.admit(admission([tenant]));
    await expect(limitGate.admit(admission([tenant]))).rejects.toThrow('requests per minute on this tenant');
  });

  it('admits and settles at once when every counter is in memory, and refuses with a rejected promise', async () => {
    const { limitGate } = gate();
    const subject: LimitSubject = { scope: 'key', id: 'key_1', name: 'ci', limits: limits(0.0001, 2, 1000) };
    // The budget's spend is loaded on its first use, which takes a promise; after that nothing does.
    const loading = limitGate.admit(admission([subject]));
    expect(loading).toBeInstanceOf(Promise);
    expect((await loading).settle(25, 30)).toBeUndefined();
    const second = limitGate.admit(admission([subject]));
    expect(second).not.toBeInstanceOf(Promise);
    expect((second as Admission).headers['x-ratelimit-remaining-requests']).toBe('0');
    expect((second as Admission).settle(25, 30)).toBeUndefined();
    expect((second as Admission).settle(25, 30)).toBeUndefined(); // only the first settles
    let refusal: unknown;
    expect(() => {
      refusal = limitGate.admit(admission([subject]));
    }).not.toThrow();
    await expect(refusal).rejects.toThrow('requests per minute on key "ci"');
  });

  it('answers the headers of the tightest request and token counters', async () => {
    const { limitGate } = gate();
    const result = await limitGate.admit(
      admission([
        { scope: 'tenant', id: 'ten_1', name: null, limits: limits(null, 1000, 100_000) },
        { scope: 'key', id: 'key_1', name: 'ci', limits: limits(null, 10, 1_000_000) },
      ]),
    );
    expect(result.headers).toMatchObject({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-limit-tokens': '100000',
      'x-ratelimit-remaining-tokens': '99970',
    });
    expect(result.headers['x-ratelimit-reset-requests']).toMatch(/^(1m)?[\d.]+s$/);
  });
});

describe('rate-limit headers', () => {
  it('write durations the way OpenAI does', () => {
    expect([0, 20.2, 999, 1000, 6500, 59_999, 60_000, 83_456, 119_999.6].map(formatDuration)).toEqual([
      '0ms',
      '21ms',
      '999ms',
      '1s',
      '6.5s',
      '59.999s',
      '1m0s',
      '1m23.456s',
      '2m0s',
    ]);
  });

  it('write every whole millisecond as the shortest decimal of its seconds', () => {
    for (let ms = 1000; ms < 180_000; ms += 7) {
      const minutes = Math.floor(ms / 60_000);
      const seconds = `${(ms - minutes * 60_000) / 1000}s`;
      expect(formatDuration(ms)).toBe(minutes === 0 ? seconds : `${minutes}m${seconds}`);
    }
  });

  it('name the first of equally tight counters, and nothing for an empty range', () => {
    const state = (key: string, remaining: number, limit: number): RateState => ({ key, limit, remaining, resetMs: 1500, retryAfterMs: 0 });
    const headers: Record<string, string> = {};
    addRateLimitHeaders(headers, 'requests', [state('a', 5, 10), state('b', 50, 100), state('c', 1, 1000)], 0, 2);
    addRateLimitHeaders(headers, 'tokens', [state('a', 5, 10)], 1, 1);
    expect(headers).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '5',
      'x-ratelimit-reset-requests': '1.5s',
    });
  });
});

// The `limits` field that tenants, keys and customers share: cost by day, month and in total, requests and tokens
// per minute, and requests in flight at once. null means no limit. PATCHes merge: a field left out keeps its value, null removes it.
import { z } from 'zod';

const amount = z.number().positive().max(1e9).nullable();
const perMinute = z.int().positive().max(1e9).nullable();
const concurrent = z.int().positive().max(1e6).nullable();

export const limitsPatch = z
  .object({
    costUsd: z.object({ day: amount.optional(), month: amount.optional(), total: amount.optional() }).strict().optional(),
    requestsPerMinute: perMinute.optional(),
    tokensPerMinute: perMinute.optional(),
    concurrentRequests: concurrent.optional().describe('Requests in flight at once (streams count until they end)'),
  })
  .strict()
  .describe('Cost limits in US dollars, rate limits per minute and requests in flight at once; null = no limit');

export const limitsView = z.object({
  costUsd: z.object({ day: z.number().nullable(), month: z.number().nullable(), total: z.number().nullable() }),
  requestsPerMinute: z.int().nullable(),
  tokensPerMinute: z.int().nullable(),
  concurrentRequests: z.int().nullable(),
});

export type Limits = z.infer<typeof limitsView>;
export type LimitsPatch = z.infer<typeof limitsPatch>;
export type CostPeriod = keyof Limits['costUsd'];

export const COST_PERIODS: readonly CostPeriod[] = ['day', 'month', 'total'];

export const NO_LIMITS: Limits = Object.freeze({
  costUsd: Object.freeze({ day: null, month: null, total: null }),
  requestsPerMinute: null,
  tokensPerMinute: null,
  concurrentRequests: null,
});

/** Reads the stored JSON, tolerating older or partial documents. */
export function parseLimits(json: string): Limits {
  const stored = JSON.parse(json) as Partial<{
    costUsd: Partial<Limits['costUsd']>;
    requestsPerMinute: number | null;
    tokensPerMinute: number | null;
    concurrentRequests: number | null;
  }>;
  return {
    costUsd: { day: stored.costUsd?.day ?? null, month: stored.costUsd?.month ?? null, total: stored.costUsd?.total ?? null },
    requestsPerMinute: stored.requestsPerMinute ?? null,
    tokensPerMinute: stored.tokensPerMinute ?? null,
    concurrentRequests: stored.concurrentRequests ?? null,
  };
}

export function mergeLimits(current: Limits, patch: LimitsPatch): Limits {
  return {
    costUsd: {
      day: patch.costUsd?.day === undefined ? current.costUsd.day : patch.costUsd.day,
      month: patch.costUsd?.month === undefined ? current.costUsd.month : patch.costUsd.month,
      total: patch.costUsd?.total === undefined ? current.costUsd.total : patch.costUsd.total,
    },
    requestsPerMinute: patch.requestsPerMinute === undefined ? current.requestsPerMinute : patch.requestsPerMinute,
    tokensPerMinute: patch.tokensPerMinute === undefined ? current.tokensPerMinute : patch.tokensPerMinute,
    concurrentRequests: patch.concurrentRequests === undefined ? current.concurrentRequests : patch.concurrentRequests,
  };
}

export function hasAnyLimit(limits: Limits): boolean {
  return hasRateOrCostLimit(limits) || limits.concurrentRequests !== null;
}

/** Whether a cost or rate limit is set: what the limit gate checks (a concurrency limit alone is held elsewhere). */
export function hasRateOrCostLimit(limits: Limits): boolean {
  return (
    limits.costUsd.day !== null ||
    limits.costUsd.month !== null ||
    limits.costUsd.total !== null ||
    limits.requestsPerMinute !== null ||
    limits.tokensPerMinute !== null
  );
}

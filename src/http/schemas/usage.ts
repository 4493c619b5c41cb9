// The usage API's query and answer: filters, grouping, and one row per group with tokens, cost and latency.
import { z } from 'zod';

export const usageQuery = z.object({
  from: z.string().optional().describe('Start (inclusive): a date (2026-11-01) or an ISO date-time; default 30 days before `to`'),
  to: z.string().optional().describe('End (exclusive): a date or an ISO date-time; default the start of tomorrow (UTC)'),
  customer: z.string().optional().describe('A customer’s external id'),
  key: z.string().optional().describe('An API key id'),
  model: z.string().optional().describe('The model as requested (a provider/model, a model name or an alias)'),
  provider: z.string().optional(),
  status: z.union([z.enum(['success', 'error']), z.coerce.number().int().min(100).max(599)]).optional(),
  groupBy: z.enum(['none', 'day', 'hour', 'customer', 'model', 'key', 'provider']).default('day'),
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const usageMetrics = z.object({
  requests: z.int(),
  errors: z.int(),
  promptTokens: z.int(),
  completionTokens: z.int(),
  cachedTokens: z.int(),
  totalTokens: z.int(),
  costMicros: z.int().describe('What the tenant was billed, in micro-dollars: the provider cost scaled by its plan’s model multipliers'),
  costUsd: z.number().describe('What the tenant was billed, in US dollars (docs/metering.md)'),
  providerCostMicros: z.int().describe('What the providers charged, in micro-dollars'),
  providerCostUsd: z.number().describe('What the providers charged, in US dollars'),
  latencyAvgMs: z.number().nullable(),
  latencyP50Ms: z.number().nullable(),
  latencyP95Ms: z.number().nullable(),
  cacheHits: z.int().describe('Requests answered from the response cache (docs/cache.md)'),
  savedUsd: z.number().describe('The provider cost those cache hits saved'),
});

export const usageRow = usageMetrics.extend({
  day: z.string().optional(),
  hour: z.string().optional(),
  customer: z.string().optional(),
  model: z.string().optional(),
  keyId: z.string().optional(),
  keyName: z.string().nullable().optional(),
  provider: z.string().optional(),
});

export const usageReport = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.string(),
  data: z.array(usageRow),
  totals: usageMetrics,
});

export type UsageQuery = z.infer<typeof usageQuery>;
export type UsageRow = z.infer<typeof usageRow>;
export type UsageReport = z.infer<typeof usageReport>;

// A routing rule: what a model name or alias resolves to in one environment — targets (connection + model +
// request overrides), a strategy to order them, a retry policy, a per-target timeout and a cooldown.
import { z } from 'zod';
import { cachePolicySchema } from './cache-policy.js';

export const STRATEGIES = ['fallback', 'weighted', 'least-latency'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const routingTargetSchema = z.object({
  provider: z.string().min(1).max(64).describe('A provider connection: the tenant’s own in this environment, or a global one'),
  model: z.string().min(1).max(256),
  weight: z.number().min(0).max(1_000_000).default(1).describe('Share of traffic with the weighted strategy'),
  overrides: z
    // The fields Shuttle itself reads (for limits, and the mock provider) take the values the chat completions
    // schema allows; any other field passes through to the provider, which judges it.
    .looseObject({
      max_tokens: z.int().positive().nullish(),
      max_completion_tokens: z.int().positive().nullish(),
      n: z.int().min(1).max(128).nullish(),
      temperature: z.number().min(0).max(2).nullish(),
      top_p: z.number().min(0).max(1).nullish(),
    })
    .refine((o) => !('model' in o) && !('stream' in o) && !('messages' in o), 'may not override model, stream or messages')
    .optional()
    .describe('Request fields set for this target, e.g. {"temperature": 0.2}'),
});

/** The upstream statuses a rule retries and falls back on unless it lists others: rate limits and the server errors a retry may cure. */
export const RETRIED_STATUSES: readonly number[] = Object.freeze([429, 500, 502, 503, 504]);

export const retryPolicySchema = z.object({
  attempts: z.int().min(1).max(10).default(1).describe('Tries per target, the first included'),
  backoffMs: z.int().min(0).max(60_000).default(100).describe('Base of the exponential backoff between tries, with full jitter'),
  on: z
    .array(z.int().min(400).max(599))
    .max(200)
    .default([...RETRIED_STATUSES])
    .describe('Upstream statuses that are retried and fall back; timeouts and unreachable providers always are'),
});

export const cooldownSchema = z.object({
  afterFailures: z.int().min(1).max(100).default(3).describe('Consecutive failures that take a target out of rotation'),
  seconds: z.int().min(1).max(3600).default(30).describe('How long it stays out before a request probes it again'),
});

export const routingRuleSchema = z
  .object({
    strategy: z.enum(STRATEGIES).default('fallback'),
    targets: z.array(routingTargetSchema).min(1, 'must name at least one target').max(20),
    retry: retryPolicySchema.default({ attempts: 1, backoffMs: 100, on: [...RETRIED_STATUSES] }),
    timeoutMs: z.int().min(100).max(3_600_000).nullable().default(null).describe('Per target; null uses SHUTTLE_UPSTREAM_TIMEOUT_MS'),
    cooldown: cooldownSchema.default({ afterFailures: 3, seconds: 30 }),
    cache: cachePolicySchema
      .optional()
      .describe('The response cache for requests to this alias (docs/cache.md); unset: the tenant’s default'),
  })
  .superRefine((rule, ctx) => {
    if (rule.strategy === 'weighted' && rule.targets.reduce((sum, t) => sum + t.weight, 0) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['targets'], message: 'weights must not all be zero with the weighted strategy' });
    }
  });

export type RoutingTarget = z.infer<typeof routingTargetSchema>;
export type RetryPolicy = z.infer<typeof retryPolicySchema>;
export type RoutingRule = z.infer<typeof routingRuleSchema>;

export const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/**
 * The policy for a model named directly, with no rule: one try. The usual statuses count as retryable so that a
 * flow template's `fallbacks` (planned after it) take over when it fails that way.
 */
export const DIRECT_RULE: Pick<RoutingRule, 'strategy' | 'retry' | 'timeoutMs' | 'cooldown'> = Object.freeze({
  strategy: 'fallback',
  retry: { attempts: 1, backoffMs: 0, on: [...RETRIED_STATUSES] },
  timeoutMs: null,
  cooldown: { afterFailures: 3, seconds: 30 },
});

// How flows, versions and runs look in the API.
import { z } from 'zod';
import { SLUG, templates } from '../../domain/flow-template.js';
import { isoDateTime } from './common.js';

export const flowParams = z.object({ flow: z.string().min(1).max(128).describe('The flow’s id or slug') });
/** A version number as a client may send it: within the database's 32-bit integers. */
export const versionNumber = z.int().min(1).max(2_147_483_647);
export const versionParams = flowParams.extend({ n: z.coerce.number().pipe(versionNumber) });

export const flowView = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  latestVersion: z.int().nullable(),
  environments: z.record(z.string(), z.int()).describe('The active version per environment'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const createFlowBody = z.object({
  title: z.string().trim().min(1).max(200),
  slug: z.string().regex(SLUG, 'must be lower-case words joined by dashes, e.g. support-reply').max(64).optional(),
  description: z.string().max(2000).nullable().optional(),
});

export const versionView = z.object({
  flowId: z.string(),
  version: z.int(),
  description: z.string().nullable(),
  templates,
  parameters: z.array(z.object({ name: z.string(), templates: z.array(z.string()) })),
  createdAt: isoDateTime,
});

export const runBody = z.object({
  parameters: z.record(z.string(), z.unknown()).default({}),
  customerId: z.string().optional(),
  environment: z.string().optional().describe('Defaults to the key’s environment; a key may not name another'),
  version: versionNumber.optional().describe('Run this version instead of the active one'),
  entrypoint: z.string().optional().describe('Another template than main'),
  messages: z
    .array(z.looseObject({ role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']), content: z.unknown() }))
    .optional()
    .describe('Continue the conversation after the rendered templates'),
  overrideModel: z.string().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.int().positive().optional(),
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string().max(64)).max(20).optional(),
  stream: z.boolean().optional(),
  cache: z
    .enum(['use', 'refresh', 'off'])
    .optional()
    .describe('The response cache for this run (docs/cache.md), over the x-shuttle-cache header; TTL and namespace by header'),
});

export const runResult = z.object({
  id: z.string(),
  flowId: z.string(),
  version: z.int(),
  environment: z.string(),
  response: z.unknown().describe('The answer’s text, or the parsed JSON when a response schema is set'),
  usage: z.object({ promptTokens: z.int(), completionTokens: z.int() }),
  costUsd: z.number(),
  milliseconds: z.int(),
  model: z.string(),
  provider: z.string(),
});

export const runSummary = z.object({
  id: z.string(),
  flowId: z.string(),
  version: z.int(),
  environment: z.string(),
  entrypoint: z.string(),
  customer: z.string().nullable().describe('The customer’s external id'),
  requestId: z.string(),
  status: z.enum(['succeeded', 'failed']),
  httpStatus: z.int(),
  error: z.object({ code: z.string().nullable(), message: z.string().nullable() }).nullable(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  usage: z.object({ promptTokens: z.int(), completionTokens: z.int() }),
  costUsd: z.number(),
  milliseconds: z.int(),
  tags: z.array(z.string()),
  createdAt: isoDateTime,
});

export const runDetail = runSummary.extend({
  parameters: z.record(z.string(), z.unknown()).nullable(),
  messages: z.array(z.unknown()).nullable().describe('The rendered prompt; null after the retention period'),
  response: z.string().nullable(),
  toolCalls: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        arguments: z.unknown().describe('As the model gave them; null when the tenant keeps metadata only'),
        status: z.enum(['succeeded', 'failed', 'skipped']),
        latencyMs: z.int(),
        result: z.string().nullable().describe('The result or error text, up to 2,000 characters'),
        truncated: z.boolean(),
      }),
    )
    .nullable()
    .describe('The run’s tool calls in order; null for a template without tools'),
});

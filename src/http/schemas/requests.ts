// The request log API's query and answers (docs/request-log.md).
import { z } from 'zod';
import { isoDateTime } from './common.js';

export const requestLogQuery = z.object({
  from: z.string().optional().describe('Start (inclusive): a date (2026-11-01) or an ISO date-time; default 30 days before `to`'),
  to: z.string().optional().describe('End (exclusive): a date or an ISO date-time; default the start of tomorrow (UTC)'),
  customer: z.string().optional().describe('A customer’s external id'),
  key: z.string().optional().describe('An API key id'),
  model: z.string().optional().describe('The model as requested'),
  provider: z.string().optional().describe('The provider connection that answered'),
  status: z
    .union([z.enum(['success', 'error']), z.coerce.number().int().min(100).max(599)])
    .optional()
    .describe('success (< 400), error (>= 400), or one HTTP status'),
  environment: z.string().optional(),
  endpoint: z.enum(['chat.completions', 'embeddings', 'responses', 'messages', 'flows.run', 'tools.test']).optional(),
  q: z.string().max(500).optional().describe('Words to find in prompts and answers (full-text; all must match)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional().describe('The nextCursor of the previous page'),
});

export const requestSummary = z.object({
  id: z.string().describe('The x-request-id the client got'),
  createdAt: isoDateTime,
  endpoint: z.string(),
  environment: z.string().nullable(),
  keyId: z.string().nullable(),
  customerId: z.string().nullable().describe('The customer’s external id'),
  requestedModel: z.string().nullable(),
  servedModel: z.string().nullable(),
  provider: z.string().nullable().describe('The provider connection that answered'),
  status: z.int(),
  errorCode: z.string().nullable(),
  promptTokens: z.int(),
  completionTokens: z.int(),
  cachedTokens: z.int(),
  costMicros: z.int(),
  costUsd: z.number(),
  latencyMs: z.int(),
  ttftMs: z.int().nullable(),
  streamed: z.boolean(),
  attemptCount: z.int(),
  level: z.enum(['full', 'metadata']),
  preview: z.string().nullable().describe('At level full: the start of the last user message'),
});

const loggedBody = z
  .object({
    body: z.unknown().describe('The JSON as sent, or the text kept when truncated'),
    truncated: z.boolean(),
    bytes: z.int().describe('The whole body’s size in bytes'),
  })
  .nullable();

export const requestEntry = requestSummary.extend({
  upstreamMs: z.int().nullable(),
  flowId: z.string().nullable(),
  flowVersion: z.int().nullable(),
  metadata: z.record(z.string(), z.string()).nullable().describe('The request’s tags (x-shuttle-metadata, or the body’s metadata)'),
  attempts: z.array(
    z.object({
      provider: z.string(),
      model: z.string().nullable(),
      status: z.int().nullable(),
      latencyMs: z.int(),
      errorCode: z.string().nullable(),
      errorMessage: z.string().nullable(),
    }),
  ),
  request: loggedBody.describe('The request body as the client sent it; null at level metadata'),
  response: loggedBody.describe('The answer in the endpoint’s dialect, a stream reassembled; null at level metadata'),
});

export const requestLogPage = z.object({ data: z.array(requestSummary), nextCursor: z.string().nullable() });

export const requestIdParams = z.object({ id: z.string().min(1).max(128) });

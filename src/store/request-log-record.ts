// A request log entry as the request path hands it over — references to what it already holds, nothing serialised —
// and as its row: the answer reassembled, the bodies truncated past the cap and gzipped, the search text extracted.
// Rows are built where the entry is written (the writer thread), never on the request path.
import { gzipSync } from 'node:zlib';
import { answerJson, promptPreview, searchableText } from '../domain/logged-answer.js';
import type { CapturedAnswer, UpstreamAttempt } from '../domain/request-log-entry.js';
import type { RequestLogRow } from './repositories/request-log.js';
import type { UsageEvent } from './repositories/usage-events.js';

export interface RequestLogRecord {
  event: UsageEvent;
  level: 'full' | 'metadata';
  attempts: readonly UpstreamAttempt[];
  metadata: Record<string, string> | null;
  /** At level full: the request body's JSON text as the client sent it. */
  request: string | null;
  answer: CapturedAnswer | null;
}

/** What search indexes of one entry, at most (prompt and answer together). */
const SEARCH_CHARS = 64 * 1024;

// A fast level: bodies are mostly JSON text, which even level 1 shrinks several times.
const GZIP = { level: 1 };

/**
 * Bodies shorter than this are stored as their UTF-8 text: gzip's fixed cost per call (about 50 µs in Node, a
 * stream's set-up and its tables; docs/benchmarks.md) would exceed the request's own, for a hundred bytes saved.
 */
export const COMPRESS_FROM_BYTES = 1024;

/** A body as stored: gzipped, or its text when short (told apart by gzip's magic bytes, which JSON cannot start with). */
export function storedBody(body: { text: string; bytes: number }): Uint8Array {
  return body.bytes < COMPRESS_FROM_BYTES ? Buffer.from(body.text, 'utf8') : gzipSync(body.text, GZIP);
}

export function requestLogRow(record: RequestLogRecord, maxBodyBytes: number): RequestLogRow {
  const { event, level, attempts, metadata } = record;
  const request = record.request === null ? null : kept(record.request, maxBodyBytes);
  const answer = record.answer === null ? null : kept(answerJson(record.answer), maxBodyBytes);
  const requestBody = request && parsedOrUndefined(request);
  const answerBody = answer && parsedOrUndefined(answer);
  const searchText = [textOf(request, requestBody), textOf(answer, answerBody)]
    .filter((text) => text !== '')
    .join('\n')
    .slice(0, SEARCH_CHARS);
  return {
    searchText,
    row: {
      id: event.id,
      tenant_id: event.tenantId,
      created_at: event.createdAt,
      key_id: event.keyId,
      customer_id: event.customerId,
      environment: event.environment,
      endpoint: event.endpoint,
      requested_model: event.requestedModel,
      provider: event.provider,
      served_model: event.servedModel,
      prompt_tokens: event.promptTokens,
      completion_tokens: event.completionTokens,
      cached_tokens: event.cachedTokens,
      cost_micros: event.costMicros,
      latency_ms: event.latencyMs,
      upstream_ms: event.upstreamMs,
      ttft_ms: event.ttftMs,
      streamed: event.streamed ? 1 : 0,
      status: event.status,
      error_code: event.errorCode,
      flow_id: event.flowId ?? null,
      flow_version: event.flowVersion ?? null,
      level,
      attempt_count: attempts.length,
      attempts: JSON.stringify(
        attempts.map(({ provider, model, status, latencyMs, errorCode, errorMessage }) => ({
          provider,
          model,
          status,
          latencyMs: Math.round(latencyMs),
          errorCode,
          errorMessage,
        })),
      ),
      metadata: metadata === null ? null : JSON.stringify(metadata),
      preview: level === 'full' ? promptPreview(requestBody) : null,
      request_body: request && storedBody(request),
      request_bytes: request?.bytes ?? null,
      request_truncated: request === null ? null : request.truncated ? 1 : 0,
      response_body: answer && storedBody(answer),
      response_bytes: answer?.bytes ?? null,
      response_truncated: answer === null ? null : answer.truncated ? 1 : 0,
    },
  };
}

/** The plain text of a body for search: its text fields, or a truncated body's text as it is. */
function textOf(body: KeptBody | null, parsed: unknown): string {
  if (body === null) return '';
  return parsed === undefined ? body.text.slice(0, SEARCH_CHARS) : searchableText(parsed, SEARCH_CHARS);
}

interface KeptBody {
  text: string;
  bytes: number;
  truncated: boolean;
}

/** The body's text, cut to `maxBytes` (at a character boundary) when longer. */
function kept(text: string, maxBytes: number): KeptBody {
  // Each UTF-16 unit is at most 3 bytes of UTF-8: a text this short is within the cap without counting.
  if (text.length * 3 <= maxBytes) return { text, bytes: Buffer.byteLength(text), truncated: false };
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= maxBytes) return { text, bytes: buffer.length, truncated: false };
  const cut = buffer
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { text: cut, bytes: buffer.length, truncated: true };
}

function parsedOrUndefined(body: KeptBody): unknown {
  if (body.truncated) return undefined;
  try {
    return JSON.parse(body.text);
  } catch {
    return undefined;
  }
}

/** What an answer built as an object (a Responses response) is counted as, without serialising it to find out. */
const OBJECT_ANSWER_CHARS = 4096;

/**
 * About how many characters a record adds to the batch the writer thread is sent: its request, its answer's text or
 * events. The request log's batches are cut by this (BatchWriter's maxBatchWeight), since turning them into one
 * message is work on the event loop in proportion.
 */
export function requestLogRecordChars(record: RequestLogRecord): number {
  let chars = 512 + (record.request?.length ?? 0);
  const answer = record.answer;
  if (answer === null) return chars;
  if (answer.kind === 'json') return chars + answer.text.length;
  if (answer.kind === 'object') return chars + OBJECT_ANSWER_CHARS;
  for (const event of answer.events) chars += event.data.length + 16;
  return chars;
}

// A request log entry as the request path hands it over — references to what it already holds, nothing serialised —
// and as its row: the answer reassembled, the bodies truncated past the cap and gzipped, the search text extracted.
// Rows are built where the entry is written (the writer thread), never on the request path.
import { gzipSync } from 'node:zlib';
import { answerJson, promptPreview, promptText, SEARCH_CHARS, searchableJsonText, searchableText } from '../domain/logged-answer.js';
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
  /**
   * At level full: the text search indexes of the request and its preview starts with (promptText()), found in the body
   * the request path parsed. Absent from records spilled before it was: then found in `request`.
   */
  prompt?: string | null;
  answer: CapturedAnswer | null;
}

/**
 * A record as it crosses to the writer thread: its texts (the request, its prompt, a plain answer's JSON) replaced by
 * their lengths, and carried after one another in one string beside the batch's JSON. Inside the JSON, each would be
 * escaped on this side and unescaped on the other — a body's every quote twice over, for nothing.
 */
export interface FramedRequestLogRecord {
  event: UsageEvent;
  level: 'full' | 'metadata';
  attempts: readonly UpstreamAttempt[];
  metadata: Record<string, string> | null;
  request: number | null;
  prompt: number | null;
  /** A number: a plain answer's JSON text (kind `json`) of that length. */
  answer: number | CapturedAnswer | null;
}

/** A batch as the writer thread gets it: the framed records' JSON, and their texts in order. */
export function frameRecords(records: readonly RequestLogRecord[]): { batch: string; texts: string } {
  const framed: FramedRequestLogRecord[] = [];
  let texts = '';
  // A plain loop building each object whole: object spread and rest, tried first, cost more than the escaping saved.
  for (const record of records) {
    let request: number | null = null;
    let prompt: number | null = null;
    let answer: number | CapturedAnswer | null = record.answer;
    if (record.request !== null) {
      texts += record.request;
      request = record.request.length;
    }
    if (record.prompt !== undefined && record.prompt !== null) {
      texts += record.prompt;
      prompt = record.prompt.length;
    }
    if (answer !== null && answer.kind === 'json') {
      texts += answer.text;
      answer = answer.text.length;
    }
    framed.push({
      event: record.event,
      level: record.level,
      attempts: record.attempts,
      metadata: record.metadata,
      request,
      prompt,
      answer,
    });
  }
  return { batch: JSON.stringify(framed), texts };
}

/** The records frameRecords() framed, their texts cut back out of `texts`. */
export function unframeRecords(framed: readonly FramedRequestLogRecord[], texts: string): RequestLogRecord[] {
  const records: RequestLogRecord[] = [];
  let at = 0;
  for (const record of framed) {
    let request: string | null = null;
    let prompt: string | null = null;
    let answer: CapturedAnswer | null;
    if (record.request !== null) {
      request = texts.slice(at, at + record.request);
      at += record.request;
    }
    if (record.prompt !== null) {
      prompt = texts.slice(at, at + record.prompt);
      at += record.prompt;
    }
    if (typeof record.answer === 'number') {
      answer = { kind: 'json', text: texts.slice(at, at + record.answer) };
      at += record.answer;
    } else answer = record.answer;
    records.push({
      event: record.event,
      level: record.level,
      attempts: record.attempts,
      metadata: record.metadata,
      request,
      prompt,
      answer,
    });
  }
  return records;
}

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
  const built = record.answer === null ? null : answerJson(record.answer);
  const answer = built === null ? null : kept(built.text, maxBodyBytes);
  // What search indexes: the request's prompt text (not its system prompt nor earlier turns), and the answer's.
  const prompt = record.prompt !== undefined ? record.prompt : request && promptOf(request);
  const answerText = answer === null ? '' : textOf(answer, built?.value);
  let searchText = prompt === null ? answerText : answerText === '' ? prompt : `${prompt}\n${answerText}`;
  if (searchText.length > SEARCH_CHARS) searchText = searchText.slice(0, SEARCH_CHARS);
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
      cost_micros: event.billedMicros ?? event.costMicros,
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
      preview: level === 'full' ? promptPreview(prompt) : null,
      request_body: request && storedBody(request),
      request_bytes: request?.bytes ?? null,
      request_truncated: request === null ? null : request.truncated ? 1 : 0,
      response_body: answer && storedBody(answer),
      response_bytes: answer?.bytes ?? null,
      response_truncated: answer === null ? null : answer.truncated ? 1 : 0,
    },
  };
}

/**
 * The plain text of an answer for search: its text fields — from the object it was built from (a stream reassembled),
 * else found in its JSON text — or a truncated answer's text as it is.
 */
function textOf(body: KeptBody, value: unknown): string {
  if (body.truncated) return body.text.slice(0, SEARCH_CHARS);
  if (value !== undefined) return searchableText(value, SEARCH_CHARS);
  return searchableJsonText(body.text, SEARCH_CHARS) ?? body.text.slice(0, SEARCH_CHARS);
}

/** A request's prompt text, for a record spilled before the request path found it. */
function promptOf(request: KeptBody): string | null {
  const parsed = parsedOrUndefined(request);
  return parsed === undefined ? request.text.slice(0, SEARCH_CHARS) : promptText(parsed);
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

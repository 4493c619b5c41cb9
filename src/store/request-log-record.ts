// A request log entry as the request path hands it over — references to what it already holds, nothing serialised —
// and as its row: a stream stored as it was packed, the bodies truncated past the cap (and compressed by the sink, a
// batch at a time: body-blocks.ts), the search text extracted.
// Rows are built where the entry is written (the writer thread), never on the request path.
import {
  answerJson,
  promptPreview,
  promptText,
  SEARCH_CHARS,
  searchableJsonText,
  searchableText,
  streamSearchText,
} from '../domain/logged-answer.js';
import type { PackedCut, StreamEvent } from '../domain/packed-stream.js';
import { type CapturedAnswer, packAnswer, type UpstreamAttempt } from '../domain/request-log-entry.js';
import type { BodyText } from './body-blocks.js';
import type { RequestLogRow } from './repositories/request-log.js';
import type { UsageEventValues } from './repositories/usage-event-columns.js';
import { fromValues, toValues, type UsageEvent } from './repositories/usage-events.js';
import { storedStreamHead } from './stored-stream.js';

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
 * A record as it crosses to the writer thread: its texts (the request, its prompt, a plain answer's JSON, a packed
 * stream) replaced by their places in a list of strings sent beside the batch's JSON. Inside the JSON, each would be
 * escaped on this side and unescaped on the other — a body's every quote twice over, for nothing.
 */
export interface FramedRequestLogRecord {
  /** The usage event as its column values, as usage batches cross: its 22 property names not written with every entry. */
  event: UsageEventValues;
  level: 'full' | 'metadata';
  attempts: readonly UpstreamAttempt[];
  metadata: Record<string, string> | null;
  /** Where the text is in the batch's texts. */
  request: number | null;
  prompt: number | null;
  /** A number: where a plain answer's JSON text (kind `json`) is in the batch's texts. */
  answer: number | FramedEvents | { kind: 'object'; value: unknown } | { kind: 'events'; events: StreamEvent[] } | null;
}

/** A packed stream, framed: where its text is in the batch's texts. */
export interface FramedEvents {
  kind: 'framed-events';
  text: number;
  cut: PackedCut | null;
}

/**
 * A batch as the writer thread gets it: the framed records' JSON, and their texts as a list. The list crosses as its
 * strings, each copied as it is; joined into one, a batch's texts (over 128 KB for 100 streams) would be a new large
 * object on every write, and a copy more, which cost more than the rest of the framing (docs/benchmarks.md).
 */
export function frameRecords(records: readonly RequestLogRecord[]): { batch: string; texts: string[] } {
  const framed: FramedRequestLogRecord[] = [];
  const texts: string[] = [];
  // A plain loop building each object whole: object spread and rest, tried first, cost more than the escaping saved.
  for (const record of records) {
    let request: number | null = null;
    let prompt: number | null = null;
    let answer: FramedRequestLogRecord['answer'] = null;
    if (record.request !== null) request = texts.push(record.request) - 1;
    if (record.prompt !== undefined && record.prompt !== null) prompt = texts.push(record.prompt) - 1;
    // A stream's events come packed from the request path (packAnswer()); a record made otherwise is packed here.
    const captured = packAnswer(record.answer);
    // A stream that could not be packed (an event with a separator, not JSON) crosses in the batch's JSON, as it is.
    if (captured === null || captured.kind === 'object' || captured.kind === 'events') answer = captured;
    else if (captured.kind === 'json') answer = texts.push(captured.text) - 1;
    // Framed as the bodies are: their data (chunks of JSON, all quotes) escaped would be most of the batch's JSON.
    else if (captured.kind === 'packed-events') answer = { kind: 'framed-events', text: texts.push(captured.text) - 1, cut: captured.cut };
    framed.push({
      event: toValues(record.event),
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

/** The records frameRecords() framed, with their texts back in place. */
export function unframeRecords(framed: readonly FramedRequestLogRecord[], texts: readonly string[]): RequestLogRecord[] {
  const textAt = (index: number): string => {
    const text = texts[index];
    if (text === undefined) throw new Error(`a framed request log record refers to text ${index} of ${texts.length}`);
    return text;
  };
  return framed.map((record) => {
    const framedAnswer = record.answer;
    let answer: CapturedAnswer | null;
    if (typeof framedAnswer === 'number') answer = { kind: 'json', text: textAt(framedAnswer) };
    else if (framedAnswer !== null && framedAnswer.kind === 'framed-events')
      answer = { kind: 'packed-events', text: textAt(framedAnswer.text), cut: framedAnswer.cut };
    else answer = framedAnswer;
    return {
      event: fromValues(record.event),
      level: record.level,
      attempts: record.attempts,
      metadata: record.metadata,
      request: record.request === null ? null : textAt(record.request),
      prompt: record.prompt === null ? null : textAt(record.prompt),
      answer,
    };
  });
}

export function requestLogRow(record: RequestLogRecord, maxBodyBytes: number): RequestLogRow {
  const { event, level, attempts, metadata } = record;
  const request = record.request === null ? null : kept(record.request, maxBodyBytes);
  const stored = record.answer === null ? null : storedAnswer(record.answer, maxBodyBytes);
  const answer = stored?.body ?? null;
  // What search indexes: the request's prompt text (not its system prompt nor earlier turns), and the answer's.
  const prompt = record.prompt !== undefined ? record.prompt : request && promptOf(request);
  const answerText = stored === null ? '' : stored.searchText;
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
      request_body: null,
      request_bytes: request?.bytes ?? null,
      request_truncated: request === null ? null : request.truncated ? 1 : 0,
      response_body: null,
      response_bytes: answer?.bytes ?? null,
      response_truncated: answer === null ? null : answer.truncated ? 1 : 0,
    },
    // Stored in the body columns by the sink, a batch at a time (body-blocks.ts).
    bodies: { request: request && storedText(request), response: answer && storedText(answer) },
  };
}

function storedText({ head, text, storedBytes }: KeptBody): BodyText {
  return { head, text, bytes: storedBytes };
}

/**
 * The answer as stored, and its text for search. A stream is stored as it was packed (stored-stream.ts), to be
 * reassembled when read, unless that is longer than the cap or it could not be packed (an event holding a separator):
 * then reassembled here, and truncated as any answer.
 */
function storedAnswer(captured: CapturedAnswer, maxBodyBytes: number): { body: KeptBody; searchText: string } {
  const answer = packAnswer(captured) as CapturedAnswer;
  if (answer.kind === 'packed-events') {
    const head = storedStreamHead(answer);
    const bytes = head.length + Buffer.byteLength(answer.text, 'utf8');
    if (bytes <= maxBodyBytes) {
      const body = { head, text: answer.text, bytes, truncated: false, storedBytes: bytes };
      return { body, searchText: streamSearchText(answer, SEARCH_CHARS) };
    }
  }
  const built = answerJson(answer);
  const body = kept(built.text, maxBodyBytes);
  return { body, searchText: textOf(body, built.value) };
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
  /** What the stored body starts with before `text` (a stored stream's head: stored-stream.ts), ASCII. */
  head?: string;
  /** The body, or as much of it as is kept. */
  text: string;
  /** How many bytes of UTF-8 the whole body is. */
  bytes: number;
  truncated: boolean;
  /** How many bytes of UTF-8 the text kept is. */
  storedBytes: number;
}

/** The body's text, cut to `maxBytes` (at a character boundary) when longer. Counted, not encoded, unless cut. */
function kept(text: string, maxBytes: number): KeptBody {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { text, bytes, truncated: false, storedBytes: bytes };
  const cut = Buffer.from(text, 'utf8')
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { text: cut, bytes, truncated: true, storedBytes: Buffer.byteLength(cut, 'utf8') };
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
 * How many characters of framed text (frameRecords()) weigh as one of JSON: a text crosses as a string of its own,
 * copied a block at a time, where JSON.stringify looks at every character of what it serialises (and escapes every quote).
 */
const FRAMED_CHARS_PER_WEIGHT = 16;

/**
 * About how many characters of JSON serialising a record for the writer thread is worth: its own JSON, and its framed
 * texts (request, answer, a stream's events) at a sixteenth. The request log's batches are cut by this (BatchWriter's
 * maxBatchWeight), since turning them into one message is work on the event loop in proportion.
 */
export function requestLogRecordChars(record: RequestLogRecord): number {
  let framed = record.request?.length ?? 0;
  let chars = 512;
  const answer = record.answer;
  if (answer !== null) {
    if (answer.kind === 'json') framed += answer.text.length;
    else if (answer.kind === 'object') chars += OBJECT_ANSWER_CHARS;
    else if (answer.kind === 'packed-events') framed += answer.text.length;
    // Not packed: escaped into the batch's JSON.
    else for (const event of answer.events) chars += event.data.length + 16;
  }
  return chars + Math.ceil(framed / FRAMED_CHARS_PER_WEIGHT);
}

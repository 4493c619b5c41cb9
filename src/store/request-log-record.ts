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
import type { PackedCut, PackedEvents, StreamEvent } from '../domain/packed-stream.js';
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

/** Where a text is in a framed batch's bytes: its first byte, and how many bytes of UTF-8 it is. */
export type TextSpan = readonly [start: number, bytes: number];

/**
 * A record as it crosses to the writer thread: its texts (the request, its prompt, a plain answer's JSON, a packed
 * stream) replaced by their places in the batch's bytes, sent beside the batch's JSON. Inside the JSON, each would be
 * escaped on this side and unescaped on the other — a body's every quote twice over, for nothing.
 */
export interface FramedRequestLogRecord {
  /** The usage event as its column values, as usage batches cross: its 22 property names not written with every entry. */
  event: UsageEventValues;
  level: 'full' | 'metadata';
  attempts: readonly UpstreamAttempt[];
  metadata: Record<string, string> | null;
  request: TextSpan | null;
  /** Absent for a record spilled before the request path found its prompt: then found in `request`. */
  prompt?: TextSpan | null;
  /** A span: a plain answer's JSON text. */
  answer: TextSpan | FramedEvents | { kind: 'object'; value: unknown } | { kind: 'events'; events: StreamEvent[] } | null;
}

/** A packed stream, framed: where its text is in the batch's bytes. */
export interface FramedEvents {
  kind: 'framed-events';
  text: TextSpan;
  cut: PackedCut | null;
}

/**
 * A batch as the writer thread gets it: the framed records' JSON, and their texts one after another as UTF-8 in one
 * buffer, handed over (transferred) rather than copied. Sent as strings, every text of a batch would be rebuilt on
 * the writer's heap and kept there until the whole batch is written, copied by each young-generation collection
 * meanwhile; as bytes, a body goes into its block as it came, and only the texts search needs are read as strings.
 */
export interface FramedBatch {
  batch: string;
  bytes: ArrayBuffer;
}

export function frameRecords(records: readonly RequestLogRecord[]): FramedBatch {
  const framed: FramedRequestLogRecord[] = [];
  const texts: string[] = [];
  let size = 0;
  const place = (text: string): TextSpan => {
    const bytes = Buffer.byteLength(text, 'utf8');
    const span: TextSpan = [size, bytes];
    texts.push(text);
    size += bytes;
    return span;
  };
  // A plain loop building each object whole: object spread and rest, tried first, cost more than the escaping saved.
  for (const record of records) {
    let answer: FramedRequestLogRecord['answer'] = null;
    const request = record.request === null ? null : place(record.request);
    const prompt = record.prompt === undefined || record.prompt === null ? record.prompt : place(record.prompt);
    // A stream's events come packed from the request path (packAnswer()); a record made otherwise is packed here.
    const captured = packAnswer(record.answer);
    // A stream that could not be packed (an event with a separator, not JSON) crosses in the batch's JSON, as it is.
    if (captured === null || captured.kind === 'object' || captured.kind === 'events') answer = captured;
    else if (captured.kind === 'json') answer = place(captured.text);
    // Framed as the bodies are: their data (chunks of JSON, all quotes) escaped would be most of the batch's JSON.
    else if (captured.kind === 'packed-events') answer = { kind: 'framed-events', text: place(captured.text), cut: captured.cut };
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
  const bytes = Buffer.allocUnsafeSlow(size);
  let at = 0;
  for (const text of texts) at += bytes.write(text, at, 'utf8');
  return { batch: JSON.stringify(framed), bytes: bytes.buffer };
}

/**
 * A request log record as the writer thread has it (unframeRecords()): its bodies as their UTF-8 bytes, views of the
 * batch's buffer, and its prompt as a string.
 */
export interface ReceivedRequestLogRecord {
  event: UsageEvent;
  level: 'full' | 'metadata';
  attempts: readonly UpstreamAttempt[];
  metadata: Record<string, string> | null;
  request: Buffer | null;
  prompt?: string | null | undefined;
  answer: ReceivedAnswer | null;
}

/** An answer as the writer thread has it: a plain answer's JSON or a packed stream as bytes, any other as it crossed. */
export type ReceivedAnswer =
  | { kind: 'json'; data: Buffer }
  | { kind: 'packed-events'; data: Buffer; cut: PackedCut | null }
  | { kind: 'object'; value: unknown }
  | { kind: 'events'; events: StreamEvent[] };

/** The records frameRecords() framed, their texts views of the batch's bytes. */
export function unframeRecords(framed: readonly FramedRequestLogRecord[], bytes: Buffer): ReceivedRequestLogRecord[] {
  const textAt = ([start, length]: TextSpan): Buffer => {
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(length) || start < 0 || length < 0 || start + length > bytes.length)
      throw new Error(`a framed request log record refers to bytes ${start} to ${start + length} of ${bytes.length}`);
    return bytes.subarray(start, start + length);
  };
  return framed.map((record) => {
    const framedAnswer = record.answer;
    let answer: ReceivedAnswer | null;
    if (framedAnswer === null) answer = null;
    else if (Array.isArray(framedAnswer)) answer = { kind: 'json', data: textAt(framedAnswer as TextSpan) };
    else if ('kind' in framedAnswer && framedAnswer.kind === 'framed-events')
      answer = { kind: 'packed-events', data: textAt(framedAnswer.text), cut: framedAnswer.cut };
    else answer = framedAnswer as ReceivedAnswer;
    return {
      event: fromValues(record.event),
      level: record.level,
      attempts: record.attempts,
      metadata: record.metadata,
      request: record.request === null ? null : textAt(record.request),
      prompt: record.prompt === undefined || record.prompt === null ? record.prompt : textAt(record.prompt).toString('utf8'),
      answer,
    };
  });
}

/** A record's row, made as the writer thread makes it: framed and received (dead letters written by hand, tests). */
export function requestLogRow(record: RequestLogRecord, maxBodyBytes: number): RequestLogRow {
  const { batch, bytes } = frameRecords([record]);
  const [received] = unframeRecords(JSON.parse(batch) as FramedRequestLogRecord[], Buffer.from(bytes));
  return receivedLogRow(received as ReceivedRequestLogRecord, maxBodyBytes);
}

export function receivedLogRow(record: ReceivedRequestLogRecord, maxBodyBytes: number): RequestLogRow {
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
    bodies: { request, response: answer },
  };
}

/**
 * The answer as stored, and its text for search. A stream is stored as it was packed (stored-stream.ts), to be
 * reassembled when read, unless that is longer than the cap: then reassembled here, and truncated as any answer.
 */
function storedAnswer(answer: ReceivedAnswer, maxBodyBytes: number): { body: KeptBody; searchText: string } {
  if (answer.kind === 'json') {
    const body = kept(answer.data, maxBodyBytes);
    return { body, searchText: textOf(body, undefined) };
  }
  let captured: CapturedAnswer;
  if (answer.kind === 'packed-events') {
    const packed: PackedEvents = { kind: 'packed-events', text: answer.data.toString('utf8'), cut: answer.cut };
    const head = storedStreamHead(answer);
    const bytes = head.length + answer.data.length;
    if (bytes <= maxBodyBytes)
      return { body: { head, data: answer.data, bytes, truncated: false }, searchText: streamSearchText(packed, SEARCH_CHARS) };
    captured = packed;
  } else captured = answer;
  const built = answerJson(captured);
  const body = kept(Buffer.from(built.text, 'utf8'), maxBodyBytes);
  return { body, searchText: textOf(body, built.value) };
}

/**
 * The plain text of an answer for search: its text fields — from the object it was built from (a stream reassembled),
 * else found in its JSON text — or a truncated answer's text as it is.
 */
function textOf(body: KeptBody, value: unknown): string {
  if (body.truncated) return searchedStart(body.data);
  if (value !== undefined) return searchableText(value, SEARCH_CHARS);
  const text = body.data.toString('utf8');
  return searchableJsonText(text, SEARCH_CHARS) ?? text.slice(0, SEARCH_CHARS);
}

/** A request's prompt text, for a record spilled before the request path found it. */
function promptOf(request: KeptBody): string | null {
  const parsed = parsedOrUndefined(request);
  return parsed === undefined ? searchedStart(request.data) : promptText(parsed);
}

/**
 * As much of a text's start as search keeps, decoded from no more of its bytes than that can be: a unit of UTF-16 is
 * at most 3 bytes of UTF-8.
 */
function searchedStart(data: Buffer): string {
  return data
    .subarray(0, 3 * SEARCH_CHARS)
    .toString('utf8')
    .slice(0, SEARCH_CHARS);
}

/** A body as a row keeps it for its block (BodyText), with what its row says of it. */
interface KeptBody extends BodyText {
  /** The body as UTF-8, or as much of it as is kept; after its head, if it has one (a stored stream's: ASCII). */
  data: Buffer;
  /** How many bytes of UTF-8 the whole body is (its head included). */
  bytes: number;
  truncated: boolean;
}

/** The body, cut to `maxBytes` (at a character boundary) when longer. */
function kept(data: Buffer, maxBytes: number): KeptBody {
  if (data.length <= maxBytes) return { data, bytes: data.length, truncated: false };
  const cut = data
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { data: Buffer.from(cut, 'utf8'), bytes: data.length, truncated: true };
}

function parsedOrUndefined(body: KeptBody): unknown {
  if (body.truncated) return undefined;
  try {
    return JSON.parse(body.data.toString('utf8'));
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

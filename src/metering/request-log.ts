// The request log: an entry per metered request, queued for the writer as the request is recorded (never a database
// round trip in the request), and read back a page or one entry at a time, always within one tenant.
import { answerJson } from '../domain/logged-answer.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import type { BatchWriter } from '../store/batch-writer.js';
import { storedBodyText, unpackBlock } from '../store/body-blocks.js';
import { decodeCursor, encodeCursor } from '../store/keyset-cursor.js';
import type { RequestLogFilter, RequestLogRepository, StoredRequestLogEntry } from '../store/repositories/request-log.js';
import type { RequestLogRecord } from '../store/request-log-record.js';
import { parseStoredStream } from '../store/stored-stream.js';
import { microsToUsd } from './price-table.js';

export interface RequestSummary {
  id: string;
  createdAt: string;
  endpoint: string;
  environment: string | null;
  keyId: string | null;
  customerId: string | null;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string | null;
  status: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  costMicros: number;
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  streamed: boolean;
  attemptCount: number;
  level: 'full' | 'metadata';
  preview: string | null;
}

export interface LoggedBody {
  body: unknown;
  truncated: boolean;
  bytes: number;
}

export interface RequestEntry extends RequestSummary {
  upstreamMs: number | null;
  flowId: string | null;
  flowVersion: number | null;
  metadata: Record<string, string> | null;
  attempts: {
    provider: string;
    model: string | null;
    status: number | null;
    latencyMs: number;
    errorCode: string | null;
    errorMessage: string | null;
  }[];
  request: LoggedBody | null;
  response: LoggedBody | null;
}

export class RequestLog {
  constructor(
    private readonly writer: Pick<BatchWriter<RequestLogRecord>, 'record'>,
    private readonly entries: RequestLogRepository,
  ) {}

  /**
   * Queues an entry. Always kept, like the usage event it goes with: the usage queue's admission bounds both, since
   * every entry belongs to a request admitted there and both are written to the same database.
   */
  record(record: RequestLogRecord): void {
    this.writer.record(record, true);
  }

  async list(
    tenantId: string,
    filter: RequestLogFilter,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ data: RequestSummary[]; nextCursor: string | null }> {
    const rows = await this.entries.list(tenantId, filter, limit + 1, decodeCursor(cursor));
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(summary),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: Number(last.created_at), id: last.id }) : null,
    };
  }

  /** One entry with its bodies; another tenant's id is as unknown as one that never was. */
  async get(tenantId: string, id: string): Promise<RequestEntry> {
    const row = await this.entries.find(tenantId, id);
    if (row === undefined) throw new ShuttleError('request_not_found');
    // The request and its answer are most often in the same block: unpacked once.
    const blocks = new Map<string, Promise<Buffer | undefined>>();
    const block = (blockId: string): Promise<Buffer | undefined> => {
      let bodies = blocks.get(blockId);
      if (bodies === undefined) {
        bodies = this.entries.bodyBlock(tenantId, blockId).then((data) => (data === undefined ? undefined : unpackBlock(data)));
        blocks.set(blockId, bodies);
      }
      return bodies;
    };
    return {
      ...summary(row),
      upstreamMs: nullableNumber(row.upstream_ms),
      flowId: row.flow_id,
      flowVersion: nullableNumber(row.flow_version),
      metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, string>),
      attempts: JSON.parse(row.attempts) as RequestEntry['attempts'],
      request: await loggedBody(row.request_body, block, row.request_truncated, row.request_bytes),
      response: await loggedBody(row.response_body, block, row.response_truncated, row.response_bytes, true),
    };
  }
}

function summary(row: StoredRequestLogEntry): RequestSummary {
  const costMicros = Number(row.cost_micros);
  return {
    id: row.id,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    endpoint: row.endpoint,
    environment: row.environment,
    keyId: row.key_id,
    customerId: row.customer_external_id,
    requestedModel: row.requested_model,
    servedModel: row.served_model,
    provider: row.provider,
    status: Number(row.status),
    errorCode: row.error_code,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    cachedTokens: Number(row.cached_tokens),
    costMicros,
    costUsd: microsToUsd(costMicros),
    latencyMs: Number(row.latency_ms),
    ttftMs: nullableNumber(row.ttft_ms),
    streamed: Number(row.streamed) === 1,
    attemptCount: Number(row.attempt_count),
    level: row.level === 'full' ? 'full' : 'metadata',
    preview: row.preview,
  };
}

function nullableNumber(value: number | null): number | null {
  return value === null ? null : Number(value);
}

async function loggedBody(
  body: Uint8Array | null | undefined,
  block: (id: string) => Promise<Buffer | undefined>,
  truncated: number | null,
  bytes: number | null,
  isAnswer = false,
): Promise<LoggedBody | null> {
  if (body === null || body === undefined) return null;
  const text = await storedBodyText(body, block);
  // Its block gone: the entry expired while it was read.
  if (text === undefined) return null;
  // A stream is stored packed and reassembled here: its size is the answer's, not the stored text's. Only an answer is
  // ever stored so: a request body, the client's own text, is never read as one, whatever it starts with.
  const stream = isAnswer ? parseStoredStream(text) : undefined;
  if (stream !== undefined) {
    const answer = answerJson(stream);
    return { body: answer.value, truncated: false, bytes: Buffer.byteLength(answer.text) };
  }
  const cut = Number(truncated) === 1;
  return { body: cut ? text : parsedOrText(text), truncated: cut, bytes: Number(bytes) };
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

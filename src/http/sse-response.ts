// Writes a provider's stream to the client as SSE, chunk by chunk as it arrives, honouring backpressure.
// Once the 200 is sent a failure cannot change the status, so it becomes an error event and the stream ends.
// OpenAI-style streams end with `data: [DONE]`; Anthropic's name every event and end with message_stop.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StreamEvent } from '../domain/packed-stream.js';
import { ShuttleError } from '../errors/shuttle-error.js';
import type { ChatStreamResult } from '../gateway/providers/provider.js';
import { SSE_DONE, sseData, sseEvent } from '../gateway/sse.js';
import { errorBody } from './error-dialect.js';

export interface SseOptions {
  /** Whether the client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  signal: AbortSignal;
  /** A last event sent before [DONE] (a flow run's summary). */
  trailer?: () => unknown;
}

/**
 * Takes the response over from Fastify and sends the 200 and the event stream's headers (with those set on the reply
 * so far, x-shuttle-* included): from here on, a failure can only be an event in the stream.
 */
export function startEventStream(reply: FastifyReply): CoalescingWriter {
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  return new CoalescingWriter(reply.raw);
}

export async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  stream: ChatStreamResult,
  options: SseOptions,
): Promise<void> {
  const meter = request.meter;
  const raw = reply.raw;
  const out = startEventStream(reply);
  const dialect = request.routeOptions.config.dialect;
  // The request log reassembles the answer from the events themselves, kept by reference until it is written.
  const captured: StreamEvent[] | undefined = meter?.logLevel === 'full' ? [] : undefined;
  if (meter && captured) meter.answer = { kind: 'events', events: captured };
  try {
    for await (const part of stream.parts) {
      captured?.push(part);
      if (part.usageOnly && !options.includeUsage) continue;
      if (meter && meter.ttftMs === null) meter.ttftMs = performance.now() - meter.startedAt;
      if (out.blocked) await out.drained();
      out.write(part.event === undefined ? sseData(part.data) : sseEvent(part.event, part.data));
      if (options.signal.aborted) return;
    }
    const trailer = options.trailer ? sseData(JSON.stringify(options.trailer())) : '';
    raw.end(out.take() + trailer + (dialect === 'anthropic' ? '' : SSE_DONE));
  } catch (error) {
    if (options.signal.aborted || raw.destroyed) return;
    const failure = streamFailure(request, error);
    const body = JSON.stringify(errorBody(dialect, failure, request.id));
    raw.end(out.take() + (dialect === 'anthropic' ? sseEvent('error', body) : sseData(body)));
  }
}

/**
 * What a stream that failed after its 200 was sent ends with, recorded on the request and its meter: the error itself
 * if it is one of Shuttle's, otherwise (logged) an unreadable answer from the provider.
 */
export function streamFailure(request: FastifyRequest, error: unknown): ShuttleError {
  const failure = error instanceof ShuttleError ? error : new ShuttleError('upstream_invalid_response', { cause: error });
  if (!(error instanceof ShuttleError)) request.log.error({ err: error }, 'stream failed');
  request.errorCode = failure.code;
  if (request.meter) {
    request.meter.errorCode = failure.code;
    request.meter.failedStatus = failure.status;
  }
  return failure;
}

/**
 * Events that arrive together — one read of the provider's stream often holds several — go to the client in one
 * write, at the end of the tick that produced them, so nothing waits for more data. Each response write costs Node
 * a chunk header, the data and a CRLF through the socket's stream machinery (docs/benchmarks.md measures the gain).
 */
export class CoalescingWriter {
  private pending = '';
  /** Set when a write found the client's buffer full; listening starts then, so a quick 'drain' is not missed. */
  private full: Promise<void> | undefined;

  constructor(private readonly raw: NodeJS.WritableStream & { destroyed: boolean }) {}

  /** The client's buffer is full: wait for drained() before producing more. */
  get blocked(): boolean {
    return this.full !== undefined;
  }

  async drained(): Promise<void> {
    await this.full;
    this.full = undefined;
  }

  write(text: string): void {
    if (this.pending === '') process.nextTick(() => this.flush());
    this.pending += text;
  }

  /** What is waiting, for the caller to send with its last write. */
  take(): string {
    const text = this.pending;
    this.pending = '';
    return text;
  }

  private flush(): void {
    if (this.pending === '' || this.raw.destroyed) return;
    // One wait per full buffer: a flush while already waiting adds no listener of its own.
    if (!this.raw.write(this.take())) this.full ??= drained(this.raw);
  }
}

function drained(stream: NodeJS.WritableStream & { destroyed: boolean }): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

// Writes a provider's stream to the client as SSE, chunk by chunk as it arrives, honouring backpressure.
// Once the 200 is sent a failure cannot change the status, so it becomes an error event and the stream ends.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ShuttleError } from '../errors/shuttle-error.js';
import type { ChatStreamResult } from '../gateway/providers/provider.js';
import { SSE_DONE, sseData } from '../gateway/sse.js';

export interface SseOptions {
  /** Whether the client asked for the usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  signal: AbortSignal;
  /** A last event sent before [DONE] (a flow run's summary). */
  trailer?: () => unknown;
}

export async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  stream: ChatStreamResult,
  options: SseOptions,
): Promise<void> {
  const meter = request.meter;
  const raw = reply.raw;
  reply.hijack();
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  try {
    for await (const part of stream.parts) {
      if (part.usageOnly && !options.includeUsage) continue;
      if (meter && meter.ttftMs === null) meter.ttftMs = performance.now() - meter.startedAt;
      if (!raw.write(sseData(part.data))) await drained(raw);
      if (options.signal.aborted) return;
    }
    if (options.trailer) raw.write(sseData(JSON.stringify(options.trailer())));
    raw.end(SSE_DONE);
  } catch (error) {
    if (options.signal.aborted || raw.destroyed) return;
    const failure = error instanceof ShuttleError ? error : new ShuttleError('upstream_invalid_response', { cause: error });
    if (!(error instanceof ShuttleError)) request.log.error({ err: error }, 'stream failed');
    request.errorCode = failure.code;
    if (meter) {
      meter.errorCode = failure.code;
      meter.failedStatus = failure.status;
    }
    raw.end(sseData(JSON.stringify(failure.toBody())));
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

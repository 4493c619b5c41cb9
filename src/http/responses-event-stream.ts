// Writes a chat stream to a Responses client as the Responses event stream, translated chunk by chunk as it arrives,
// honouring backpressure. A failure after the 200 becomes a response.failed event, the stream's last.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NO_USAGE } from '../domain/token-usage.js';
import type { ResponseStreamTranslator } from '../gateway/dialects/responses/stream.js';
import type { Response } from '../gateway/dialects/responses/wire.js';
import type { ChatCompletionChunk } from '../gateway/openai-wire.js';
import type { ChatStreamResult } from '../gateway/providers/provider.js';
import { startEventStream, streamFailure } from './sse-response.js';

export async function sendResponseEvents(
  request: FastifyRequest,
  reply: FastifyReply,
  stream: ChatStreamResult,
  translator: ResponseStreamTranslator,
  signal: AbortSignal,
  /** Called before the last event is written; the stream ends once it resolves. */
  onCompleted: (response: Response) => Promise<void>,
): Promise<void> {
  const meter = request.meter;
  const raw = reply.raw;
  const out = startEventStream(reply);
  out.write(translator.start());
  try {
    for await (const part of stream.parts) {
      if (meter && meter.ttftMs === null) meter.ttftMs = performance.now() - meter.startedAt;
      const events = translator.push(JSON.parse(part.data) as ChatCompletionChunk);
      if (events === '') continue;
      if (out.blocked) await out.drained();
      out.write(events);
      if (signal.aborted) return;
    }
    const { events, response } = translator.finish(meter?.usage ?? NO_USAGE);
    if (meter?.logLevel === 'full') meter.answer = { kind: 'object', value: response };
    await onCompleted(response);
    raw.end(out.take() + events);
  } catch (error) {
    if (signal.aborted || raw.destroyed) return;
    const failure = streamFailure(request, error);
    const usage = meter?.usage ?? NO_USAGE;
    raw.end(out.take() + translator.fail(failure.code, failure.message, usage));
  }
}

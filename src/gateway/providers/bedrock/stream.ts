// Bedrock's ConverseStream (binary event stream) → OpenAI chunks as each event is decoded: text deltas as content,
// toolUse blocks and their input deltas as tool-call deltas, messageStop as finish_reason, metadata as usage. The
// answer tool that stands for response_format streams as content: its input fragments are the JSON answer.

import { NO_USAGE } from '../../../domain/token-usage.js';
import { UpstreamError } from '../../../errors/shuttle-error.js';
import { randomBase62 } from '../../../store/ids.js';
import type { StreamPart } from '../provider.js';
import { ChunkWriter } from '../translate/openai-output.js';
import { streamException } from './errors.js';
import { EventStreamError, readEventStream } from './event-stream.js';
import { finishReasonOf, usageOf } from './response.js';
import type { ConverseStreamEvents } from './wire.js';

type EventOf<K extends keyof ConverseStreamEvents> = ConverseStreamEvents[K];

export async function* bedrockStreamParts(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  model: string,
  answerTool?: string,
): AsyncGenerator<StreamPart> {
  const writer = new ChunkWriter(`chatcmpl-${randomBase62(24)}`, model);
  const toolIndexOfBlock = new Map<number, number>();
  let answerBlock: number | undefined;
  let answerSent = false;
  let stopped = false;
  let metered = false;
  try {
    for await (const message of readEventStream(body)) {
      if (message.headers[':message-type'] !== 'event') throw streamException(provider, message.headers, message.payload);
      const type = String(message.headers[':event-type']);
      const event = JSON.parse(message.payload.toString('utf8')) as unknown;
      if (type === 'messageStart') {
        yield { ...writer.delta({ role: 'assistant', content: '' }), model };
      } else if (type === 'contentBlockStart') {
        const { contentBlockIndex, start } = event as EventOf<'contentBlockStart'>;
        if (start?.toolUse && start.toolUse.name === answerTool) {
          answerBlock = contentBlockIndex;
        } else if (start?.toolUse) {
          const index = toolIndexOfBlock.size;
          toolIndexOfBlock.set(contentBlockIndex, index);
          const { toolUseId: id, name } = start.toolUse;
          yield writer.delta({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] });
        }
      } else if (type === 'contentBlockDelta') {
        const { contentBlockIndex, delta } = event as EventOf<'contentBlockDelta'>;
        if (typeof delta?.text === 'string' && delta.text !== '') yield writer.delta({ content: delta.text });
        const index = toolIndexOfBlock.get(contentBlockIndex);
        const input = delta?.toolUse?.input;
        if (contentBlockIndex === answerBlock && input) {
          answerSent = true;
          yield writer.delta({ content: input });
        }
        if (index !== undefined && input) yield writer.delta({ tool_calls: [{ index, function: { arguments: input } }] });
      } else if (type === 'contentBlockStop' && (event as EventOf<'contentBlockStop'>).contentBlockIndex === answerBlock && !answerSent) {
        // An answer tool called with empty input sent no fragment: its content is still a JSON object.
        answerSent = true;
        yield writer.delta({ content: '{}' });
      } else if (type === 'messageStop') {
        stopped = true;
        const finish = finishReasonOf((event as EventOf<'messageStop'>).stopReason);
        // Calling the answer tool alone is a finished answer, not a request to run tools.
        yield writer.finish(finish === 'tool_calls' && answerBlock !== undefined && toolIndexOfBlock.size === 0 ? 'stop' : finish);
      } else if (type === 'metadata') {
        metered = true;
        yield writer.usage(usageOf((event as EventOf<'metadata'>).usage));
      }
    }
  } catch (error) {
    if (!(error instanceof EventStreamError)) throw error;
    throw new UpstreamError(provider, 'upstream_invalid_response', {
      message: `${provider} sent a malformed event stream: ${error.message}.`,
    });
  }
  if (!stopped)
    throw new UpstreamError(provider, 'upstream_invalid_response', { message: `${provider} ended the stream before messageStop.` });
  if (!metered) yield writer.usage(NO_USAGE);
}

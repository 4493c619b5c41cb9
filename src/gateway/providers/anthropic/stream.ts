// Anthropic's stream (message_start, content_block_*, message_delta, message_stop, ping, error) → OpenAI chunks,
// each yielded as its event arrives: text deltas as content, tool_use blocks and their input_json_delta as tool
// call deltas, the stop reason as finish_reason, and the usage totals as a final usage-only chunk.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import { readServerSentEvents } from '../../sse.js';
import type { StreamPart } from '../provider.js';
import { ChunkWriter } from '../translate/openai-output.js';
import { streamError } from './errors.js';
import { finishReasonOf, mergedUsage, usageOf } from './response.js';
import type { MessageStreamEvent, Usage } from './wire.js';

export async function* anthropicStreamParts(provider: string, body: AsyncIterable<Uint8Array>, model: string): AsyncGenerator<StreamPart> {
  const translator = new StreamTranslator(provider, model);
  for await (const events of readServerSentEvents(body)) {
    for (const event of events) {
      if (event.data === '') continue;
      yield* translator.translate(JSON.parse(event.data) as MessageStreamEvent);
      if (translator.done) return;
    }
  }
  throw new UpstreamError(provider, 'upstream_invalid_response', { message: `${provider} ended the stream before message_stop.` });
}

class StreamTranslator {
  done = false;
  private readonly writer: ChunkWriter;
  private usage: Usage = {};
  /** Anthropic numbers content blocks; OpenAI numbers tool calls. */
  private readonly toolIndexOfBlock = new Map<number, number>();

  constructor(
    private readonly provider: string,
    model: string,
  ) {
    this.writer = new ChunkWriter('msg', model);
  }

  *translate(event: MessageStreamEvent): Generator<StreamPart> {
    switch (event.type) {
      case 'message_start':
        this.writer.id = event.message.id;
        this.writer.model = event.message.model;
        this.usage = { ...event.message.usage };
        // The prompt's tokens, known from the start: they are billed even if the stream never reaches its end.
        yield { ...this.writer.delta({ role: 'assistant', content: '' }), model: event.message.model, usage: usageOf(this.usage) };
        return;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const index = this.toolIndexOfBlock.size;
          this.toolIndexOfBlock.set(event.index, index);
          const { id, name } = event.content_block as { id: string; name: string };
          yield this.writer.delta({ tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }] });
        }
        return;
      case 'content_block_delta':
        yield* this.delta(event);
        return;
      case 'message_delta':
        // message_delta's usage holds the totals so far (output tokens, and the input counts on newer models).
        this.usage = mergedUsage(this.usage, event.usage);
        yield this.writer.finish(finishReasonOf(event.delta.stop_reason) ?? 'stop');
        return;
      case 'message_stop':
        this.done = true;
        yield this.writer.usage(usageOf(this.usage));
        return;
      case 'error':
        throw streamError(this.provider, event.error);
      default:
        // ping, content_block_stop and event types added later carry nothing to translate.
        return;
    }
  }

  private *delta(event: Extract<MessageStreamEvent, { type: 'content_block_delta' }>): Generator<StreamPart> {
    const { delta } = event;
    if (delta.type === 'text_delta' && 'text' in delta) {
      yield this.writer.delta({ content: delta.text });
    } else if (delta.type === 'input_json_delta' && 'partial_json' in delta && delta.partial_json !== '') {
      const index = this.toolIndexOfBlock.get(event.index);
      if (index !== undefined) yield this.writer.delta({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
    }
    // thinking_delta and signature_delta have no OpenAI equivalent and are not forwarded.
  }
}

// Anthropic's stream (message_start, content_block_*, message_delta, message_stop, ping, error) → OpenAI chunks,
// each yielded as its event arrives: text deltas as content, tool_use blocks and their input_json_delta as tool
// call deltas, the stop reason as finish_reason, and the usage totals as a final usage-only chunk. The answer tool
// that stands for response_format streams as content instead: its input_json_delta fragments are the JSON answer.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import type { FinishReason } from '../../openai-wire.js';
import { readServerSentEvents } from '../../sse.js';
import type { StreamPart } from '../provider.js';
import { ChunkWriter } from '../translate/openai-output.js';
import { streamError } from './errors.js';
import { finishReasonOf, mergedUsage, usageOf } from './response.js';
import type { MessageStreamEvent, StopReason, Usage } from './wire.js';

export async function* anthropicStreamParts(
  provider: string,
  body: AsyncIterable<Uint8Array>,
  model: string,
  answerTool?: string,
): AsyncGenerator<StreamPart> {
  const translator = new StreamTranslator(provider, model, answerTool);
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
  /** The answer tool's block, and whether any of its input has been sent as content. */
  private answerBlock: number | undefined;
  private answerSent = false;

  constructor(
    private readonly provider: string,
    model: string,
    private readonly answerTool: string | undefined,
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
        if (event.content_block.type === 'tool_use' && event.content_block.name === this.answerTool) {
          this.answerBlock = event.index;
        } else if (event.content_block.type === 'tool_use') {
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
        yield this.writer.finish(this.finishReason(event.delta.stop_reason));
        return;
      case 'content_block_stop':
        // An answer tool called with empty input sent no fragment: its content is still a JSON object.
        if (event.index === this.answerBlock && !this.answerSent) {
          this.answerSent = true;
          yield this.writer.delta({ content: '{}' });
        }
        return;
      case 'message_stop':
        this.done = true;
        yield this.writer.usage(usageOf(this.usage));
        return;
      case 'error':
        throw streamError(this.provider, event.error);
      default:
        // ping and event types added later carry nothing to translate.
        return;
    }
  }

  private *delta(event: Extract<MessageStreamEvent, { type: 'content_block_delta' }>): Generator<StreamPart> {
    const { delta } = event;
    if (delta.type === 'text_delta' && 'text' in delta) {
      yield this.writer.delta({ content: delta.text });
    } else if (
      delta.type === 'input_json_delta' &&
      'partial_json' in delta &&
      delta.partial_json !== '' &&
      event.index === this.answerBlock
    ) {
      this.answerSent = true;
      yield this.writer.delta({ content: delta.partial_json });
    } else if (delta.type === 'input_json_delta' && 'partial_json' in delta && delta.partial_json !== '') {
      const index = this.toolIndexOfBlock.get(event.index);
      if (index !== undefined) yield this.writer.delta({ tool_calls: [{ index, function: { arguments: delta.partial_json } }] });
    }
    // thinking_delta and signature_delta have no OpenAI equivalent and are not forwarded.
  }

  /** Calling the answer tool alone is a finished answer, not a request to run tools. */
  private finishReason(reason: StopReason | null): FinishReason {
    const finish = finishReasonOf(reason) ?? 'stop';
    return finish === 'tool_calls' && this.answerBlock !== undefined && this.toolIndexOfBlock.size === 0 ? 'stop' : finish;
  }
}

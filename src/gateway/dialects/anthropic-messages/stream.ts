// OpenAI chat.completion.chunk stream → Anthropic's event sequence, for a streamed Messages request another provider
// served: message_start and a ping first, then content_block_start / _delta / _stop for each text and tool_use block
// (tool arguments as input_json_delta), and at the end message_delta with the stop reason and usage, then
// message_stop. Each event goes out as its chunk arrives; only the final counts wait for the stream's end, where
// OpenAI-format streams report them.
import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletionChunk, FinishReason } from '../../openai-wire.js';
import type { StreamPart } from '../../providers/provider.js';
import { messageId, messageUsage, stopReasonOf } from './response.js';

export async function* messageEvents(chunks: AsyncIterable<StreamPart>, model: string): AsyncGenerator<StreamPart> {
  const events = new EventWriter(model);
  for await (const part of chunks) {
    if (part.usage) events.usage = part.usage;
    yield* events.translate(JSON.parse(part.data) as ChatCompletionChunk);
  }
  yield* events.end();
}

class EventWriter {
  usage: TokenUsage = { promptTokens: 0, completionTokens: 0, cachedTokens: 0 };
  private started = false;
  private blocks = 0;
  private open: { kind: 'text' | 'tool'; index: number } | undefined;
  /** OpenAI numbers tool calls; Anthropic numbers content blocks. */
  private readonly blockOfTool = new Map<number, number>();
  private finishReason: FinishReason | null = null;

  constructor(private readonly model: string) {}

  *translate(chunk: ChatCompletionChunk): Generator<StreamPart> {
    if (!this.started) yield* this.start(chunk);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const { delta } = choice;
    if (typeof delta?.content === 'string' && delta.content !== '') {
      if (this.open?.kind !== 'text') yield* this.startBlock('text', { type: 'text', text: '' });
      yield event('content_block_delta', { index: this.open?.index, delta: { type: 'text_delta', text: delta.content } });
    }
    for (const call of delta?.tool_calls ?? []) {
      let index = this.blockOfTool.get(call.index);
      if (index === undefined) {
        yield* this.startBlock('tool', { type: 'tool_use', id: call.id ?? '', name: call.function?.name ?? '', input: {} });
        index = this.open?.index as number;
        this.blockOfTool.set(call.index, index);
      }
      const json = call.function?.arguments;
      if (json) yield event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json } });
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  *end(): Generator<StreamPart> {
    if (!this.started) yield* this.start(undefined);
    yield* this.closeBlock();
    const { input_tokens, output_tokens, cache_read_input_tokens } = messageUsage(this.usage);
    yield event('message_delta', {
      delta: { stop_reason: stopReasonOf(this.finishReason), stop_sequence: null },
      usage: { input_tokens, output_tokens, cache_read_input_tokens },
    });
    yield event('message_stop', {});
  }

  private *start(chunk: ChatCompletionChunk | undefined): Generator<StreamPart> {
    this.started = true;
    const message = {
      id: messageId(chunk?.id),
      type: 'message',
      role: 'assistant',
      model: chunk?.model || this.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    yield event('message_start', { message });
    yield event('ping', {});
  }

  private *startBlock(kind: 'text' | 'tool', block: Record<string, unknown>): Generator<StreamPart> {
    yield* this.closeBlock();
    this.open = { kind, index: this.blocks++ };
    yield event('content_block_start', { index: this.open.index, content_block: block });
  }

  private *closeBlock(): Generator<StreamPart> {
    if (this.open === undefined) return;
    yield event('content_block_stop', { index: this.open.index });
    this.open = undefined;
  }
}

function event(type: string, fields: Record<string, unknown>): StreamPart {
  return { event: type, data: JSON.stringify({ type, ...fields }) };
}

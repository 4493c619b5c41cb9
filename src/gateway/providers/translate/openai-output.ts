// Builds OpenAI-format answers for adapters that translate another wire format: a whole chat.completion, or the
// chat.completion.chunk events of a stream, one at a time as the provider's events arrive.

import type { TokenUsage } from '../../../domain/token-usage.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionChunkDelta,
  ChatCompletionMessage,
  CompletionUsage,
  FinishReason,
} from '../../openai-wire.js';
import type { StreamPart } from '../provider.js';

export function usageWire(usage: TokenUsage): CompletionUsage {
  const wire: CompletionUsage = {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedTokens },
  };
  if (usage.reasoningTokens !== undefined) wire.completion_tokens_details = { reasoning_tokens: usage.reasoningTokens };
  return wire;
}

export interface CompletionChoice {
  message: ChatCompletionMessage;
  finishReason: FinishReason | null;
}

export function completionBody(id: string, model: string, choices: CompletionChoice[], usage: TokenUsage): string {
  const completion: ChatCompletion = {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: choices.map((choice, index) => ({
      index,
      message: choice.message,
      finish_reason: choice.finishReason,
      logprobs: null,
    })),
    usage: usageWire(usage),
  };
  return JSON.stringify(completion);
}

/** Writes the chunks of one stream; the id and model can be learned from the provider's first event. */
export class ChunkWriter {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(
    public id: string,
    public model: string,
  ) {}

  delta(delta: ChatCompletionChunkDelta, index = 0): StreamPart {
    return { data: this.chunk([{ index, delta, finish_reason: null }]) };
  }

  finish(reason: FinishReason, index = 0): StreamPart {
    return { data: this.chunk([{ index, delta: {}, finish_reason: reason }]) };
  }

  /** The usage-only chunk that ends a stream, as OpenAI sends it when asked for `include_usage`. */
  usage(usage: TokenUsage): StreamPart {
    return { data: this.chunk([], usageWire(usage)), usage, usageOnly: true, model: this.model };
  }

  private chunk(choices: ChatCompletionChunk['choices'], usage: CompletionUsage | null = null): string {
    const chunk: ChatCompletionChunk = { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
    if (usage) chunk.usage = usage;
    return JSON.stringify(chunk);
  }
}

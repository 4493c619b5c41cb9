// OpenAI chat.completion → Anthropic message, for a Messages request another provider served: text and tool calls
// as blocks, finish_reason as stop_reason, usage with cache reads apart (Anthropic's input_tokens excludes them).
import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletion, FinishReason } from '../../openai-wire.js';
import type { ContentBlock, Message, Usage } from '../../providers/anthropic/wire.js';

const STOP_REASONS: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function stopReasonOf(reason: FinishReason | null | undefined): string {
  return (reason && STOP_REASONS[reason]) ?? 'end_turn';
}

export function messageUsage(usage: TokenUsage): Usage {
  return {
    input_tokens: usage.promptTokens - usage.cachedTokens,
    output_tokens: usage.completionTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage.cachedTokens,
  };
}

/** Anthropic's ids start `msg_`; another provider's id is kept after the prefix. */
export function messageId(id: string | undefined): string {
  return id?.startsWith('msg_') ? id : `msg_${id ?? ''}`;
}

/** A tool call's arguments as the object Anthropic's `input` is; text that is no JSON object is kept under `arguments`. */
export function toolInput(json: string): unknown {
  try {
    const value: unknown = JSON.parse(json === '' ? '{}' : json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // Kept below.
  }
  return { arguments: json };
}

export function messageBody(completionJson: string, usage: TokenUsage, model: string): string {
  const completion = JSON.parse(completionJson) as ChatCompletion;
  const choice = completion.choices?.[0];
  const content: ContentBlock[] = [];
  const text = choice?.message.content;
  if (typeof text === 'string' && text !== '') content.push({ type: 'text', text });
  for (const call of choice?.message.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  const message: Message = {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model || model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason),
    stop_sequence: null,
    usage: messageUsage(usage),
  };
  return JSON.stringify(message);
}

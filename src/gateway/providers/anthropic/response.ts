// Anthropic message → OpenAI chat.completion: text and tool_use blocks, stop reason, usage with cache tokens.

import type { TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletionMessage, ChatCompletionMessageToolCall, FinishReason } from '../../openai-wire.js';
import { separateAnswer } from '../translate/answer-tool.js';
import { completionBody } from '../translate/openai-output.js';
import type { Message, StopReason, Usage } from './wire.js';

const FINISH_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export function finishReasonOf(reason: StopReason | null | undefined): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  return FINISH_REASONS[reason] ?? 'stop';
}

/** Prompt tokens are all the input: fresh, read from the cache and written to it; cache reads are the cached ones. */
export function usageOf(usage: Usage | undefined): TokenUsage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    promptTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    completionTokens: usage?.output_tokens ?? 0,
    cachedTokens: cacheRead,
  };
}

/** The usage so far after an event reporting `next`: Anthropic's counts are running totals, absent when unchanged. */
export function mergedUsage(previous: Usage, next: Usage | undefined): Usage {
  const merged = { ...previous };
  for (const [field, value] of Object.entries(next ?? {})) {
    if (value !== null && value !== undefined) merged[field as keyof Usage] = value;
  }
  return merged;
}

/** `answerTool` names the tool that stands for response_format: its call is the answer's content. */
export function toCompletion(message: Message, answerTool?: string): { body: string; usage: TokenUsage } {
  const texts: string[] = [];
  const calls: ChatCompletionMessageToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const { answer, toolCalls } = separateAnswer(calls, answerTool);
  // The answer replaces any text: a forced tool call has none, and text beside it would make the content invalid JSON.
  const content = answer ?? (texts.length > 0 ? texts.join('') : null);
  const reply: ChatCompletionMessage = { role: 'assistant', content, refusal: null };
  if (toolCalls.length > 0) reply.tool_calls = toolCalls;
  const usage = usageOf(message.usage);
  let finishReason = finishReasonOf(message.stop_reason);
  if (answer !== undefined && toolCalls.length === 0 && finishReason === 'tool_calls') finishReason = 'stop';
  return { body: completionBody(message.id, message.model, [{ message: reply, finishReason }], usage), usage };
}

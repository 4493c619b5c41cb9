// Bedrock ConverseResponse → OpenAI chat.completion: text and toolUse blocks, stop reason, usage with cache tokens.

import type { TokenUsage as Usage } from '../../../domain/token-usage.js';
import { randomBase62 } from '../../../store/ids.js';
import type { ChatCompletionMessage, ChatCompletionMessageToolCall, FinishReason } from '../../openai-wire.js';
import { separateAnswer } from '../translate/answer-tool.js';
import { completionBody } from '../translate/openai-output.js';
import type { ConverseResponse, StopReason, TokenUsage } from './wire.js';

const FINISH_REASONS: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

export function finishReasonOf(reason: StopReason | undefined): FinishReason {
  return (reason && FINISH_REASONS[reason]) || 'stop';
}

/** Prompt tokens are all the input: fresh, read from the cache and written to it; cache reads are the cached ones. */
export function usageOf(usage: TokenUsage | undefined): Usage {
  const cacheRead = usage?.cacheReadInputTokens ?? 0;
  return {
    promptTokens: (usage?.inputTokens ?? 0) + cacheRead + (usage?.cacheWriteInputTokens ?? 0),
    completionTokens: usage?.outputTokens ?? 0,
    cachedTokens: cacheRead,
  };
}

/** `answerTool` names the tool that stands for response_format: its call is the answer's content. */
export function toCompletion(response: ConverseResponse, model: string, answerTool?: string): { body: string; usage: Usage } {
  const texts: string[] = [];
  const calls: ChatCompletionMessageToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    if ('text' in block) texts.push(block.text);
    if ('toolUse' in block) {
      const { toolUseId, name, input } = block.toolUse;
      calls.push({ id: toolUseId, type: 'function', function: { name, arguments: JSON.stringify(input ?? {}) } });
    }
  }
  const { answer, toolCalls } = separateAnswer(calls, answerTool);
  const message: ChatCompletionMessage = {
    role: 'assistant',
    content: answer ?? (texts.length > 0 ? texts.join('') : null),
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const usage = usageOf(response.usage);
  let finishReason = finishReasonOf(response.stopReason);
  if (answer !== undefined && toolCalls.length === 0 && finishReason === 'tool_calls') finishReason = 'stop';
  const body = completionBody(`chatcmpl-${randomBase62(24)}`, model, [{ message, finishReason }], usage);
  return { body, usage };
}

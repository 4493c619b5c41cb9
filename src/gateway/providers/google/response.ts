// Gemini GenerateContentResponse → OpenAI chat.completion: one choice per candidate, function calls as tool calls,
// finish reasons, and usage (thoughts count as completion tokens, cached content as cached prompt tokens).

import type { TokenUsage } from '../../../domain/token-usage.js';
import { randomBase62 } from '../../../store/ids.js';
import type { ChatCompletionMessage, ChatCompletionMessageToolCall, FinishReason } from '../../openai-wire.js';
import { type CompletionChoice, completionBody } from '../translate/openai-output.js';
import { toolCallId } from './tool-call-ids.js';
import type { Candidate, GenerateContentResponse, Part, UsageMetadata } from './wire.js';

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

export function finishReasonOf(reason: string | undefined, calledTools: boolean): FinishReason | null {
  if (reason === undefined || reason === 'FINISH_REASON_UNSPECIFIED') return null;
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'content_filter';
  return calledTools ? 'tool_calls' : 'stop';
}

/** Thoughts are billed as output, so they count in the completion tokens and are also reported as reasoning tokens. */
export function usageOf(usage: UsageMetadata | undefined): TokenUsage {
  const thoughts = usage?.thoughtsTokenCount;
  return {
    promptTokens: (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0),
    completionTokens: (usage?.candidatesTokenCount ?? 0) + (thoughts ?? 0),
    cachedTokens: usage?.cachedContentTokenCount ?? 0,
    ...(thoughts === undefined ? {} : { reasoningTokens: thoughts }),
  };
}

/** The answer's text (thoughts left out) and its function calls as OpenAI tool calls. */
export function readParts(parts: readonly Part[]): { text: string; toolCalls: ChatCompletionMessageToolCall[] } {
  let text = '';
  const toolCalls: ChatCompletionMessageToolCall[] = [];
  for (const part of parts) {
    if (typeof part.text === 'string' && part.thought !== true) text += part.text;
    if (part.functionCall) {
      toolCalls.push({
        id: toolCallId(part.functionCall, part.thoughtSignature),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    }
  }
  return { text, toolCalls };
}

function toChoice(candidate: Candidate | undefined): CompletionChoice {
  // No candidate at all means the prompt itself was blocked.
  if (!candidate) return { message: { role: 'assistant', content: null, refusal: null }, finishReason: 'content_filter' };
  const { text, toolCalls } = readParts(candidate.content?.parts ?? []);
  const message: ChatCompletionMessage = { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { message, finishReason: finishReasonOf(candidate.finishReason, toolCalls.length > 0) };
}

export function toCompletion(response: GenerateContentResponse, model: string): { body: string; usage: TokenUsage } {
  const candidates = [...(response.candidates ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const choices = candidates.length > 0 ? candidates.map(toChoice) : [toChoice(undefined)];
  const usage = usageOf(response.usageMetadata);
  const id = response.responseId ? `chatcmpl-${response.responseId}` : `chatcmpl-${randomBase62(24)}`;
  return { body: completionBody(id, response.modelVersion ?? model, choices, usage), usage };
}

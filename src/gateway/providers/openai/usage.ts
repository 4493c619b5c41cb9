// OpenAI's usage object → Shuttle's token counts.

import { NO_USAGE, type TokenUsage } from '../../../domain/token-usage.js';
import type { CompletionUsage } from '../../openai-wire.js';
import type { UsageCarrier } from './profile.js';

export function fromOpenAiUsage(usage: CompletionUsage | null | undefined): TokenUsage {
  if (!usage) return NO_USAGE;
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
  };
}

/** The usage of a completion or chunk in OpenAI's own fields; undefined when it carries none. */
export function openAiUsageOf(carrier: UsageCarrier): TokenUsage | undefined {
  return carrier.usage ? fromOpenAiUsage(carrier.usage) : undefined;
}

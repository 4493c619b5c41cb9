// DeepSeek: OpenAI's format; prompt caching is reported in its own `prompt_cache_hit_tokens` field. No embeddings.

import type { TokenUsage } from '../../../domain/token-usage.js';
import type { OpenAiCompatibleProfile, UsageCarrier } from '../openai/profile.js';
import { fromOpenAiUsage } from '../openai/usage.js';

interface DeepSeekUsage {
  prompt_cache_hit_tokens?: number;
}

function deepSeekUsage(carrier: UsageCarrier): TokenUsage | undefined {
  if (!carrier.usage) return undefined;
  const usage = fromOpenAiUsage(carrier.usage);
  const hits = (carrier.usage as DeepSeekUsage).prompt_cache_hit_tokens;
  return typeof hits === 'number' ? { ...usage, cachedTokens: hits } : usage;
}

export const deepseekProfile: OpenAiCompatibleProfile = { type: 'deepseek', embeddings: false, usage: deepSeekUsage };

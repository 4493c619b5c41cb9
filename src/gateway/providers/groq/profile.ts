// Groq: OpenAI's format; a stream's usage may come only in the Groq-specific `x_groq.usage` of the last chunk.

import type { TokenUsage } from '../../../domain/token-usage.js';
import type { OpenAiCompatibleProfile, UsageCarrier } from '../openai/profile.js';
import { fromOpenAiUsage } from '../openai/usage.js';

interface GroqExtension {
  x_groq?: { usage?: UsageCarrier['usage'] } | null;
}

function groqUsage(carrier: UsageCarrier): TokenUsage | undefined {
  const usage = carrier.usage ?? (carrier as GroqExtension).x_groq?.usage;
  return usage ? fromOpenAiUsage(usage) : undefined;
}

export const groqProfile: OpenAiCompatibleProfile = { type: 'groq', embeddings: false, usage: groqUsage };

// The shipped price table: USD per million tokens, keyed by `providerType/model`.
// Dated, because providers change prices; deployments and tenants override it (docs/pricing.md).

export interface ModelPrice {
  input: number;
  output: number;
  /** Price of prompt tokens served from the provider's cache; defaults to `input`. */
  cachedInput?: number;
}

/** When these prices were last checked against the providers' published price pages. */
export const PRICE_TABLE_DATE = '2025-08-15';

export const SHIPPED_PRICES: Readonly<Record<string, ModelPrice>> = {
  // The built-in mock provider has nominal prices so that cost metering and limits can be tried without a provider.
  'mock/echo': { input: 1, output: 2 },
  'mock/tools': { input: 1, output: 2 },
  'mock/embed': { input: 0.1, output: 0 },

  'openai/gpt-5': { input: 1.25, cachedInput: 0.125, output: 10 },
  'openai/gpt-5-mini': { input: 0.25, cachedInput: 0.025, output: 2 },
  'openai/gpt-5-nano': { input: 0.05, cachedInput: 0.005, output: 0.4 },
  'openai/gpt-4.1': { input: 2, cachedInput: 0.5, output: 8 },
  'openai/gpt-4.1-mini': { input: 0.4, cachedInput: 0.1, output: 1.6 },
  'openai/gpt-4.1-nano': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'openai/gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'openai/gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'openai/o1': { input: 15, cachedInput: 7.5, output: 60 },
  'openai/o3': { input: 2, cachedInput: 0.5, output: 8 },
  'openai/o3-mini': { input: 1.1, cachedInput: 0.55, output: 4.4 },
  'openai/o4-mini': { input: 1.1, cachedInput: 0.275, output: 4.4 },
  'openai/gpt-4-turbo': { input: 10, output: 30 },
  'openai/gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'openai/text-embedding-3-small': { input: 0.02, output: 0 },
  'openai/text-embedding-3-large': { input: 0.13, output: 0 },
  'openai/text-embedding-ada-002': { input: 0.1, output: 0 },

  'anthropic/claude-opus-4-1': { input: 15, cachedInput: 1.5, output: 75 },
  'anthropic/claude-opus-4': { input: 15, cachedInput: 1.5, output: 75 },
  'anthropic/claude-opus-4-0': { input: 15, cachedInput: 1.5, output: 75 },
  'anthropic/claude-sonnet-4': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic/claude-sonnet-4-0': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic/claude-3-7-sonnet': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic/claude-3-5-sonnet': { input: 3, cachedInput: 0.3, output: 15 },
  'anthropic/claude-3-5-haiku': { input: 0.8, cachedInput: 0.08, output: 4 },
  'anthropic/claude-3-haiku': { input: 0.25, cachedInput: 0.03, output: 1.25 },
  'anthropic/claude-3-opus': { input: 15, cachedInput: 1.5, output: 75 },

  'google/gemini-2.5-pro': { input: 1.25, cachedInput: 0.31, output: 10 },
  'google/gemini-2.5-flash': { input: 0.3, cachedInput: 0.075, output: 2.5 },
  'google/gemini-2.5-flash-lite': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'google/gemini-2.0-flash': { input: 0.1, cachedInput: 0.025, output: 0.4 },
  'google/gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  'google/gemini-1.5-pro': { input: 1.25, output: 5 },
  'google/gemini-1.5-flash': { input: 0.075, output: 0.3 },
  'google/text-embedding-004': { input: 0, output: 0 },

  'mistral/mistral-large-latest': { input: 2, output: 6 },
  'mistral/mistral-medium-latest': { input: 0.4, output: 2 },
  'mistral/mistral-small-latest': { input: 0.1, output: 0.3 },
  'mistral/magistral-medium-latest': { input: 2, output: 5 },
  'mistral/codestral-latest': { input: 0.3, output: 0.9 },
  'mistral/open-mistral-nemo': { input: 0.15, output: 0.15 },
  'mistral/ministral-8b-latest': { input: 0.1, output: 0.1 },
  'mistral/ministral-3b-latest': { input: 0.04, output: 0.04 },
  'mistral/mistral-embed': { input: 0.1, output: 0 },

  'deepseek/deepseek-chat': { input: 0.27, cachedInput: 0.07, output: 1.1 },
  'deepseek/deepseek-reasoner': { input: 0.55, cachedInput: 0.14, output: 2.19 },

  'groq/llama-3.3-70b-versatile': { input: 0.59, output: 0.79 },
  'groq/llama-3.1-8b-instant': { input: 0.05, output: 0.08 },
  'groq/meta-llama/llama-4-scout-17b-16e-instruct': { input: 0.11, output: 0.34 },
  'groq/meta-llama/llama-4-maverick-17b-128e-instruct': { input: 0.2, output: 0.6 },
  'groq/openai/gpt-oss-120b': { input: 0.15, output: 0.75 },
  'groq/openai/gpt-oss-20b': { input: 0.1, output: 0.5 },
  'groq/qwen/qwen3-32b': { input: 0.29, output: 0.59 },

  'xai/grok-4': { input: 3, cachedInput: 0.75, output: 15 },
  'xai/grok-3': { input: 3, cachedInput: 0.75, output: 15 },
  'xai/grok-3-mini': { input: 0.3, cachedInput: 0.075, output: 0.5 },

  'together/meta-llama/Llama-3.3-70B-Instruct-Turbo': { input: 0.88, output: 0.88 },
  'together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo': { input: 0.18, output: 0.18 },
  'together/deepseek-ai/DeepSeek-V3': { input: 1.25, output: 1.25 },
  'together/Qwen/Qwen2.5-72B-Instruct-Turbo': { input: 1.2, output: 1.2 },

  // OpenRouter passes its providers' prices through; its model ids are `vendor/model`.
  'openrouter/openai/gpt-4o': { input: 2.5, cachedInput: 1.25, output: 10 },
  'openrouter/openai/gpt-4o-mini': { input: 0.15, cachedInput: 0.075, output: 0.6 },
  'openrouter/anthropic/claude-sonnet-4': { input: 3, cachedInput: 0.3, output: 15 },
  'openrouter/google/gemini-2.5-flash': { input: 0.3, cachedInput: 0.075, output: 2.5 },

  'fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct': { input: 0.9, output: 0.9 },
  'fireworks/accounts/fireworks/models/deepseek-v3': { input: 0.9, output: 0.9 },

  'bedrock/anthropic.claude-sonnet-4-20250514-v1:0': { input: 3, cachedInput: 0.3, output: 15 },
  'bedrock/anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, cachedInput: 0.08, output: 4 },
  'bedrock/amazon.nova-pro-v1:0': { input: 0.8, output: 3.2 },
  'bedrock/amazon.nova-lite-v1:0': { input: 0.06, output: 0.24 },
  'bedrock/meta.llama3-3-70b-instruct-v1:0': { input: 0.72, output: 0.72 },
};

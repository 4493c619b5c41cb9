// The one place that knows every provider adapter: adding a provider is one folder and one line here.

import type { UpstreamClient } from '../upstream-client.js';
import { AnthropicAdapter } from './anthropic/adapter.js';
import { azureProfile } from './azure/profile.js';
import { BedrockAdapter } from './bedrock/adapter.js';
import { deepseekProfile } from './deepseek/profile.js';
import { fireworksProfile } from './fireworks/profile.js';
import { GeminiAdapter } from './google/adapter.js';
import { groqProfile } from './groq/profile.js';
import { mistralProfile } from './mistral/profile.js';
import { MockAdapter } from './mock/adapter.js';
import { ollamaProfile } from './ollama/profile.js';
import { OpenAiCompatibleAdapter } from './openai/adapter.js';
import { openaiProfile } from './openai/profile.js';
import { openrouterProfile } from './openrouter/profile.js';
import type { ProviderAdapter } from './provider.js';
import { togetherProfile } from './together/profile.js';
import { vllmProfile } from './vllm/profile.js';
import { xaiProfile } from './xai/profile.js';

export interface AdapterDependencies {
  client: UpstreamClient;
  mockLatencyMs: number;
}

export function createAdapters(deps: AdapterDependencies): Map<string, ProviderAdapter> {
  const { client } = deps;
  const adapters: ProviderAdapter[] = [
    new MockAdapter(deps.mockLatencyMs),
    new OpenAiCompatibleAdapter(openaiProfile, client),
    new OpenAiCompatibleAdapter(azureProfile, client),
    new OpenAiCompatibleAdapter(mistralProfile, client),
    new OpenAiCompatibleAdapter(groqProfile, client),
    new OpenAiCompatibleAdapter(deepseekProfile, client),
    new OpenAiCompatibleAdapter(togetherProfile, client),
    new OpenAiCompatibleAdapter(openrouterProfile, client),
    new OpenAiCompatibleAdapter(xaiProfile, client),
    new OpenAiCompatibleAdapter(fireworksProfile, client),
    new OpenAiCompatibleAdapter(ollamaProfile, client),
    new OpenAiCompatibleAdapter(vllmProfile, client),
    new AnthropicAdapter(client),
    new GeminiAdapter(client),
    new BedrockAdapter(client),
  ];
  return new Map(adapters.map((adapter) => [adapter.type, adapter]));
}

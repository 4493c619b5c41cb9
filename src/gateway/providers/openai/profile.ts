// What sets an OpenAI-compatible provider apart from OpenAI, declared as data: each provider's folder exports one
// profile, and OpenAiCompatibleAdapter reads it. OpenAI's own profile is the baseline (nothing differs).

import type { TokenUsage } from '../../../domain/token-usage.js';
import type { CompletionUsage } from '../../openai-wire.js';
import type { ProviderConnection } from '../provider.js';

export const OPENAI_ENDPOINTS = ['chat/completions', 'embeddings'] as const;
export type OpenAiEndpoint = (typeof OPENAI_ENDPOINTS)[number];

/** A completion or a stream chunk, as far as usage is concerned. */
export interface UsageCarrier {
  usage?: CompletionUsage | null;
  [field: string]: unknown;
}

export interface OpenAiCompatibleProfile {
  /** The adapter type, which is also the name of the provider's global connection. */
  type: string;
  /** `bearer` (the default): `Authorization: Bearer <key>`; `api-key`: Azure's `api-key: <key>` header. */
  auth?: 'bearer' | 'api-key';
  /** The URL of an endpoint; by default `{baseUrl}/{endpoint}` (Azure names the deployment and API version in it). */
  endpointUrl?: (connection: ProviderConnection, endpoint: OpenAiEndpoint, model: string) => string;
  /** Appended to a base URL that has no path: Ollama and vLLM serve the OpenAI API under /v1 of the server. */
  defaultPath?: string;
  /** Whether the provider offers `/embeddings`. */
  embeddings: boolean;
  /** Whether the body names the model (Azure names the deployment in the URL instead). Default true. */
  modelInBody?: boolean;
  /** Request fields the provider names differently: OpenAI's name → the provider's. */
  renamedParams?: Readonly<Record<string, string>>;
  /** Request fields the provider rejects; dropped before sending. */
  droppedParams?: readonly string[];
  /** Reads token counts where the provider reports them its own way (DeepSeek's cache fields, Groq's x_groq). */
  usage?: (carrier: UsageCarrier) => TokenUsage | undefined;
  /** Rewrites a stream chunk the provider sends in a shape OpenAI's clients refuse (Azure's prompt-filter chunk). */
  repairChunk?: (data: string) => string;
  /** The provider type whose prices apply to the models it serves (Azure serves OpenAI's models). */
  pricedAs?: string;
}

export const openaiProfile: OpenAiCompatibleProfile = { type: 'openai', embeddings: true };

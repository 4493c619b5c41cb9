// The contract every provider adapter implements: translate an OpenAI-format request to the provider's wire
// format, call it, and translate the answer (whole or streamed) back to OpenAI format.

import type { TokenUsage } from '../../domain/token-usage.js';
import type { ChatCompletionCreateParams, EmbeddingCreateParams } from '../openai-wire.js';

/** A configured way to reach a provider: global (from the environment) or a tenant's own. */
export interface ProviderConnection {
  /** The stored connection's id (`prv_…`); global connections from the environment have none. */
  id?: string;
  /** The name requests and routing rules use, e.g. `openai` or `backup-openai`. */
  name: string;
  /** Which adapter speaks to it, e.g. `openai`, `anthropic`, `mock`. */
  type: string;
  baseUrl: string;
  apiKey: string | undefined;
  headers?: Record<string, string>;
  /** Adapter-specific settings (Azure API version, Bedrock region, …). */
  options?: Record<string, unknown>;
  /**
   * Set on the operator's connections (the server's environment), which may reach private networks. A tenant's
   * connection never has it: every address it connects to is checked (SHUTTLE_ALLOW_PRIVATE_NETWORKS).
   */
  trusted?: boolean;
}

export interface ChatCall {
  connection: ProviderConnection;
  /** The model id as the provider knows it (without the `provider/` prefix). */
  model: string;
  /** The client's request, as validated. Adapters must not mutate it. */
  params: ChatCompletionCreateParams;
  /** `params` as the client's JSON text, when they are exactly that text parsed (see openai/request.ts). */
  paramsJson?: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface ChatJsonResult {
  stream: false;
  /**
   * An OpenAI `chat.completion` object (a native call's: the answer in its dialect), serialised: forwarded to the
   * client without re-serialisation.
   */
  body: string;
  usage: TokenUsage;
  /** The model the provider says served the request. */
  model: string;
}

export interface StreamPart {
  /** The `data:` payload of one SSE event: an OpenAI `chat.completion.chunk` (a native call's: its event), serialised. */
  data: string;
  /** The SSE event's name, for dialects whose streams name their events (Anthropic's). */
  event?: string;
  /** Set on the chunk that carries the usage totals. */
  usage?: TokenUsage;
  /** True for a usage-only chunk (no choices), which clients that did not ask for usage must not see. */
  usageOnly?: boolean;
  /** The model the provider says is serving the request, when the stream reveals it (it prices the stream). */
  model?: string;
}

export interface ChatStreamResult {
  stream: true;
  /** Yields as soon as the provider sends; never buffers the whole answer. */
  parts: AsyncIterable<StreamPart>;
  model: string;
}

export type ChatResult = ChatJsonResult | ChatStreamResult;

export interface EmbeddingsCall {
  connection: ProviderConnection;
  model: string;
  params: EmbeddingCreateParams;
  paramsJson?: string;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface EmbeddingsResult {
  /** An OpenAI embeddings `list` object, serialised. */
  body: string;
  usage: TokenUsage;
  model: string;
}

/** A client API other than OpenAI's chat completions that some providers speak themselves. */
export type NativeDialect = 'anthropic-messages';

/** A request in the provider's own dialect, passed through with only the model replaced. */
export interface NativeCall {
  connection: ProviderConnection;
  model: string;
  /** The client's request, as validated. Adapters must not mutate it. */
  body: Record<string, unknown>;
  /** `body` as the client's JSON text, when it is exactly that text parsed: sent as it is when the model is unchanged. */
  bodyJson?: string;
  /** The client's headers that belong to the dialect (`anthropic-version`, `anthropic-beta`), forwarded. */
  headers: Record<string, string>;
  signal: AbortSignal;
  timeoutMs: number;
}

/** A provider's endpoint for requests of its own dialect: answers (JSON or stream parts) are in that dialect too. */
export interface NativeEndpoint {
  readonly dialect: NativeDialect;
  send(call: NativeCall): Promise<ChatResult>;
  /** The input tokens the request would cost, counted by the provider (Anthropic's count_tokens). */
  countTokens?(call: NativeCall): Promise<number>;
}

/** Where the price table looks a served model up: `providerType/model`. */
export interface PriceKey {
  providerType: string;
  model: string;
}

export interface ProviderAdapter {
  readonly type: string;
  chat(call: ChatCall): Promise<ChatResult>;
  /** Present only on providers that offer embeddings. */
  embeddings?(call: EmbeddingsCall): Promise<EmbeddingsResult>;
  /** Present on providers that speak a client dialect natively: its requests reach them untranslated. */
  readonly native?: NativeEndpoint;
  /**
   * The price-table key of a served model, when it is not `connection.type/model`: Azure serves OpenAI's models at
   * OpenAI's prices, Bedrock's cross-region inference profiles (`us.anthropic.…`) cost what the model costs.
   */
  pricedAs?(model: string): PriceKey;
}

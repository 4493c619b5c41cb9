// OpenAI and every OpenAI-compatible upstream: the request is already in our format, so the body is forwarded with
// only what the provider's profile declares changed, and the answer is passed back without re-serialisation.

import { NO_USAGE, type TokenUsage } from '../../../domain/token-usage.js';
import type { ChatCompletion, CreateEmbeddingResponse } from '../../openai-wire.js';
import { type UpstreamClient, type UpstreamRequest, upstreamErrorFrom } from '../../upstream-client.js';
import type { ChatCall, ChatResult, EmbeddingsCall, EmbeddingsResult, PriceKey, ProviderAdapter, ProviderConnection } from '../provider.js';
import { parseJson } from '../translate/upstream-json.js';
import { summariseCompletion } from './completion-summary.js';
import { OPENAI_ENDPOINTS, type OpenAiCompatibleProfile, type OpenAiEndpoint, type UsageCarrier } from './profile.js';
import { authHeaders, chatBodyText, embeddingsBodyText, endpointUrl } from './request.js';
import { openAiStreamParts } from './stream.js';
import { openAiUsageOf } from './usage.js';

interface RequestParts {
  urls: Partial<Record<OpenAiEndpoint, string>>;
  jsonHeaders: Record<string, string>;
  streamHeaders: Record<string, string>;
}

export class OpenAiCompatibleAdapter implements ProviderAdapter {
  readonly type: string;
  readonly embeddings?: (call: EmbeddingsCall) => Promise<EmbeddingsResult>;
  readonly pricedAs?: (model: string) => PriceKey;
  private readonly readUsage: (carrier: UsageCarrier) => TokenUsage | undefined;
  private readonly requestParts = new WeakMap<ProviderConnection, RequestParts>();

  constructor(
    private readonly profile: OpenAiCompatibleProfile,
    private readonly client: UpstreamClient,
  ) {
    this.type = profile.type;
    this.readUsage = profile.usage ?? openAiUsageOf;
    if (profile.embeddings) this.embeddings = (call) => this.embed(call);
    const pricedAs = profile.pricedAs;
    if (pricedAs !== undefined) this.pricedAs = (model) => ({ providerType: pricedAs, model });
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const stream = call.params.stream === true;
    const body = chatBodyText(this.profile, call.params, call.model, call.paramsJson);
    const response = await this.client.send(this.request(call, 'chat/completions', body, stream));
    if (response.status >= 400) throw await upstreamErrorFrom(call.connection.name, response);
    if (stream)
      return {
        stream: true,
        parts: openAiStreamParts(response.body, this.readUsage, this.profile.repairChunk),
        model: call.model,
      };
    const text = await response.body.text();
    // Providers that report usage in fields of their own have their answers parsed whole.
    const summary = this.readUsage === openAiUsageOf ? summariseCompletion(text) : undefined;
    const completion = summary ?? parseJson<ChatCompletion & UsageCarrier>(call.connection.name, text);
    const model = typeof completion.model === 'string' && completion.model !== '' ? completion.model : call.model;
    return { stream: false, body: text, usage: this.readUsage(completion) ?? NO_USAGE, model };
  }

  private async embed(call: EmbeddingsCall): Promise<EmbeddingsResult> {
    const body = embeddingsBodyText(this.profile, call.params, call.model, call.paramsJson);
    const response = await this.client.send(this.request(call, 'embeddings', body, false));
    if (response.status >= 400) throw await upstreamErrorFrom(call.connection.name, response);
    const text = await response.body.text();
    const parsed = parseJson<CreateEmbeddingResponse>(call.connection.name, text);
    const promptTokens = parsed.usage?.prompt_tokens ?? 0;
    return { body: text, usage: { promptTokens, completionTokens: 0, cachedTokens: 0 }, model: parsed.model || call.model };
  }

  // The request is built here and sent by the caller, which awaits the client itself: one async function less per call.
  private request(call: ChatCall | EmbeddingsCall, endpoint: OpenAiEndpoint, body: string, stream: boolean): UpstreamRequest {
    const { connection } = call;
    const parts = this.partsOf(connection);
    return {
      provider: connection.name,
      url: parts.urls[endpoint] ?? endpointUrl(this.profile, connection, endpoint, call.model),
      headers: stream ? parts.streamHeaders : parts.jsonHeaders,
      body,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      trusted: connection.trusted === true,
    };
  }

  /**
   * What every request to a connection shares, worked out on its first: the endpoints' URLs (unless the profile puts
   * the model in them) and the headers. A connection is replaced, never changed, when its configuration is edited, and
   * the same URL string each time lets the upstream client find its origin without hashing the text again.
   */
  private partsOf(connection: ProviderConnection): RequestParts {
    let parts = this.requestParts.get(connection);
    if (parts === undefined) {
      const headers = (accept: string) => ({
        'content-type': 'application/json',
        accept,
        ...authHeaders(this.profile, connection),
        ...connection.headers,
      });
      const urls: RequestParts['urls'] = {};
      if (this.profile.endpointUrl === undefined) {
        for (const endpoint of OPENAI_ENDPOINTS) urls[endpoint] = endpointUrl(this.profile, connection, endpoint, '');
      }
      parts = { urls, jsonHeaders: headers('application/json'), streamHeaders: headers('text/event-stream') };
      this.requestParts.set(connection, parts);
    }
    return parts;
  }
}

// OpenAI and every OpenAI-compatible upstream: the request is already in our format, so the body is forwarded with
// only what the provider's profile declares changed, and the answer is passed back without re-serialisation.
import type { ChatCompletion, CreateEmbeddingResponse } from '../../openai-wire.js';
import { type UpstreamClient, type UpstreamResponse, upstreamErrorFrom } from '../../upstream-client.js';
import {
  type ChatCall,
  type ChatResult,
  type EmbeddingsCall,
  type EmbeddingsResult,
  NO_USAGE,
  type PriceKey,
  type ProviderAdapter,
  type TokenUsage,
} from '../provider.js';
import { parseJson } from '../translate/upstream-json.js';
import { summariseCompletion } from './completion-summary.js';
import type { OpenAiCompatibleProfile, OpenAiEndpoint, UsageCarrier } from './profile.js';
import { authHeaders, chatBodyText, embeddingsBodyText, endpointUrl } from './request.js';
import { openAiStreamParts } from './stream.js';
import { openAiUsageOf } from './usage.js';

export class OpenAiCompatibleAdapter implements ProviderAdapter {
  readonly type: string;
  readonly embeddings?: (call: EmbeddingsCall) => Promise<EmbeddingsResult>;
  readonly pricedAs?: (model: string) => PriceKey;
  private readonly readUsage: (carrier: UsageCarrier) => TokenUsage | undefined;

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
    const response = await this.post(
      call,
      'chat/completions',
      chatBodyText(this.profile, call.params, call.model, call.paramsJson),
      stream,
    );
    if (stream)
      return {
        stream: true,
        parts: openAiStreamParts(response.body, this.readUsage),
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
    const response = await this.post(call, 'embeddings', embeddingsBodyText(this.profile, call.params, call.model, call.paramsJson), false);
    const text = await response.body.text();
    const parsed = parseJson<CreateEmbeddingResponse>(call.connection.name, text);
    const promptTokens = parsed.usage?.prompt_tokens ?? 0;
    return { body: text, usage: { promptTokens, completionTokens: 0, cachedTokens: 0 }, model: parsed.model || call.model };
  }

  private async post(call: ChatCall | EmbeddingsCall, endpoint: OpenAiEndpoint, body: string, stream: boolean): Promise<UpstreamResponse> {
    const { connection } = call;
    const response = await this.client.send({
      provider: connection.name,
      url: endpointUrl(this.profile, connection, endpoint, call.model),
      headers: {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
        ...authHeaders(this.profile, connection),
        ...connection.headers,
      },
      body,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
    if (response.status >= 400) throw await upstreamErrorFrom(connection.name, response);
    return response;
  }
}

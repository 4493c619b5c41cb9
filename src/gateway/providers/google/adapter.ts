// Google's Gemini API: OpenAI chat requests to models/{model}:generateContent (or :streamGenerateContent?alt=sse),
// embeddings to :batchEmbedContents, authenticated with the x-goog-api-key header.
import { InvalidRequestError } from '../../../errors/shuttle-error.js';
import type { UpstreamClient, UpstreamResponse } from '../../upstream-client.js';
import type { ChatCall, ChatResult, EmbeddingsCall, EmbeddingsResult, ProviderAdapter, ProviderConnection } from '../provider.js';
import { readJson, sendJsonRequest } from '../translate/upstream-json.js';
import { toBatchEmbedRequest, toEmbeddingList } from './embeddings.js';
import { readGeminiError } from './errors.js';
import { toGenerateContentRequest } from './request.js';
import { toCompletion } from './response.js';
import { geminiStreamParts } from './stream.js';
import type { BatchEmbedContentsResponse, GenerateContentResponse } from './wire.js';

/** The API version Shuttle speaks: v1beta carries system instructions, tools and JSON schemas. */
const API_VERSION = 'v1beta';

/** A Gemini model's resource name: `models/{id}` or `tunedModels/{id}`, or a bare id. */
const MODEL_NAME = /^(?:(?:models|tunedModels)\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * `gemini-2.5-flash` → `models/gemini-2.5-flash`; a full resource name (`tunedModels/…`) stays as it is. The model is
 * the client's text and goes into the URL's path, so anything else (`../`, `?`, `#`, `%2e`, `:`) is refused: it could
 * call another endpoint of the API with the connection's key — the operator's, for a global connection.
 */
function modelPath(model: string): string {
  if (!MODEL_NAME.test(model)) throw new InvalidRequestError(`"${model}" is not a Gemini model name.`, 'model');
  return model.includes('/') ? model : `models/${model}`;
}

export class GeminiAdapter implements ProviderAdapter {
  readonly type = 'google';

  constructor(private readonly client: UpstreamClient) {}

  async chat(call: ChatCall): Promise<ChatResult> {
    const stream = call.params.stream === true;
    const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
    const response = await this.post(call, method, toGenerateContentRequest(call.params), stream);
    if (stream)
      return {
        stream: true,
        parts: geminiStreamParts(call.connection.name, response.body, call.model),
        model: call.model,
      };
    const answer = await readJson<GenerateContentResponse>(call.connection.name, response);
    const { body, usage } = toCompletion(answer, call.model);
    return { stream: false, body, usage, model: answer.modelVersion ?? call.model };
  }

  async embeddings(call: EmbeddingsCall): Promise<EmbeddingsResult> {
    const request = toBatchEmbedRequest(call.params, modelPath(call.model));
    const response = await this.post(call, 'batchEmbedContents', request, false);
    const answer = await readJson<BatchEmbedContentsResponse>(call.connection.name, response);
    return {
      body: toEmbeddingList(answer, call.params, call.model),
      usage: { promptTokens: 0, completionTokens: 0, cachedTokens: 0 },
      model: call.model,
    };
  }

  private post(call: ChatCall | EmbeddingsCall, method: string, body: unknown, stream: boolean): Promise<UpstreamResponse> {
    const { connection } = call;
    return sendJsonRequest(
      this.client,
      {
        connection,
        url: `${connection.baseUrl.replace(/\/+$/, '')}/${API_VERSION}/${modelPath(call.model)}:${method}`,
        headers: apiKeyHeader(connection),
        body: JSON.stringify(body),
        stream,
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      },
      readGeminiError,
    );
  }
}

function apiKeyHeader(connection: ProviderConnection): Record<string, string> {
  return connection.apiKey ? { 'x-goog-api-key': connection.apiKey } : {};
}

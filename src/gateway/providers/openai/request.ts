// Builds the body and URL of a request to an OpenAI-compatible provider from the client's request and the
// provider's profile: the model rewritten, usage asked for on streams, fields renamed or dropped as declared.
import type { ChatCompletionCreateParams, EmbeddingCreateParams } from '../../openai-wire.js';
import type { ProviderConnection } from '../provider.js';
import type { OpenAiCompatibleProfile, OpenAiEndpoint } from './profile.js';

export function chatBody(profile: OpenAiCompatibleProfile, params: ChatCompletionCreateParams, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...params, model };
  // Ask for usage on streams even when the client did not, so that every stream is metered.
  if (params.stream === true) body.stream_options = { ...params.stream_options, include_usage: true };
  return adapt(profile, body);
}

export function embeddingsBody(profile: OpenAiCompatibleProfile, params: EmbeddingCreateParams, model: string): Record<string, unknown> {
  return adapt(profile, { ...params, model });
}

function adapt(profile: OpenAiCompatibleProfile, body: Record<string, unknown>): Record<string, unknown> {
  if (profile.modelInBody === false) delete body.model;
  for (const [from, to] of Object.entries(profile.renamedParams ?? {})) {
    if (!(from in body)) continue;
    // The provider's own name wins when the client sent both.
    if (!(to in body)) body[to] = body[from];
    delete body[from];
  }
  for (const name of profile.droppedParams ?? []) delete body[name];
  return body;
}

export function endpointUrl(
  profile: OpenAiCompatibleProfile,
  connection: ProviderConnection,
  endpoint: OpenAiEndpoint,
  model: string,
): string {
  if (profile.endpointUrl) return profile.endpointUrl(connection, endpoint, model);
  return `${baseUrlOf(profile, connection)}/${endpoint}`;
}

/** The connection's base URL without a trailing slash, with the profile's default path when it has none. */
export function baseUrlOf(profile: OpenAiCompatibleProfile, connection: ProviderConnection): string {
  const base = connection.baseUrl.replace(/\/+$/, '');
  if (profile.defaultPath === undefined || !URL.canParse(base) || new URL(base).pathname !== '/') return base;
  return `${base}${profile.defaultPath}`;
}

export function authHeaders(profile: OpenAiCompatibleProfile, connection: ProviderConnection): Record<string, string> {
  if (!connection.apiKey) return {};
  return profile.auth === 'api-key' ? { 'api-key': connection.apiKey } : { authorization: `Bearer ${connection.apiKey}` };
}

// Builds the body and URL of a request to an OpenAI-compatible provider from the client's request and the
// provider's profile: the model rewritten, usage asked for on streams, fields renamed or dropped as declared. When
// none of that changes anything, the client's own JSON text is sent as it came.
import type { ChatCompletionCreateParams, EmbeddingCreateParams } from '../../openai-wire.js';
import type { ProviderConnection } from '../provider.js';
import { endOfQuoted, indexOfQuoted, type QuotedName } from './key-search.js';
import type { OpenAiCompatibleProfile, OpenAiEndpoint } from './profile.js';

/** The JSON text of a chat request: the client's (`paramsJson`) when it can go as it is, else `params` serialised. */
export function chatBodyText(
  profile: OpenAiCompatibleProfile,
  params: ChatCompletionCreateParams,
  model: string,
  paramsJson: string | undefined,
): string {
  const asksForUsage = params.stream !== true || params.stream_options?.include_usage === true;
  if (asksForUsage && paramsJson !== undefined && forwardable(profile, params.model, model, paramsJson)) return paramsJson;
  return JSON.stringify(chatBody(profile, params, model));
}

export function embeddingsBodyText(
  profile: OpenAiCompatibleProfile,
  params: EmbeddingCreateParams,
  model: string,
  paramsJson: string | undefined,
): string {
  if (paramsJson !== undefined && forwardable(profile, params.model, model, paramsJson)) return paramsJson;
  return JSON.stringify(adapt(profile, { ...params, model }));
}

export function chatBody(profile: OpenAiCompatibleProfile, params: ChatCompletionCreateParams, model: string): Record<string, unknown> {
  const body: Record<string, unknown> = { ...params, model };
  // Ask for usage on streams even when the client did not, so that every stream is metered.
  if (params.stream === true) body.stream_options = { ...params.stream_options, include_usage: true };
  return adapt(profile, body);
}

const MODEL_NAME: QuotedName = 'model"';

/**
 * Whether the client's text can go to the provider unchanged: it names the model the provider is to get, the profile
 * changes no field, and the text names "model" once, literally. The last condition closes a gap between parsers: in
 * `{"model":"a", …, "model":"b"}` (or the second key spelt `"mod\u0065l"`) we read b, which keys, limits and prices
 * were checked against, while a provider that keeps the first of duplicate keys would serve a. Such texts — and any
 * with a nested "model" key or a \u escape anywhere — are serialised from what we parsed instead.
 */
function forwardable(profile: OpenAiCompatibleProfile, requestedModel: string, model: string, text: string): boolean {
  if (requestedModel !== model || profile.modelInBody === false) return false;
  if (profile.renamedParams !== undefined || profile.droppedParams !== undefined) return false;
  if (text.charCodeAt(0) === 0xfeff || text.includes('\\u')) return false;
  const at = indexOfQuoted(text, MODEL_NAME);
  return at !== -1 && indexOfQuoted(text, MODEL_NAME, endOfQuoted(at, MODEL_NAME)) === -1;
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

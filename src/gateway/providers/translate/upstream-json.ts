// JSON over HTTP to a provider: send a request, throw its error answer as an UpstreamError, parse its body.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import { type ErrorReader, type UpstreamClient, type UpstreamResponse, upstreamErrorFrom } from '../../upstream-client.js';
import type { ProviderConnection } from '../provider.js';

export interface JsonRequest {
  connection: ProviderConnection;
  url: string;
  headers: Record<string, string>;
  body: string;
  stream: boolean;
  signal: AbortSignal;
  timeoutMs: number;
}

/** Sends the request; answers with the response once its status is a success, else throws the provider's error. */
export async function sendJsonRequest(client: UpstreamClient, request: JsonRequest, readError?: ErrorReader): Promise<UpstreamResponse> {
  const { connection } = request;
  const response = await client.send({
    provider: connection.name,
    url: request.url,
    headers: {
      'content-type': 'application/json',
      accept: request.stream ? 'text/event-stream' : 'application/json',
      ...request.headers,
      ...connection.headers,
    },
    body: request.body,
    signal: request.signal,
    timeoutMs: request.timeoutMs,
    trusted: connection.trusted === true,
  });
  if (response.status >= 400) throw await upstreamErrorFrom(connection.name, response, readError);
  return response;
}

export function parseJson<T>(provider: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UpstreamError(provider, 'upstream_invalid_response', {
      message: `${provider} answered with a body that is not JSON.`,
      cause: error,
    });
  }
}

export async function readJson<T>(provider: string, response: UpstreamResponse): Promise<T> {
  return parseJson<T>(provider, await response.body.text());
}

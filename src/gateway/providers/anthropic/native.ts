// Anthropic Messages requests passed through to Anthropic as they came (only the model replaced), the answer relayed
// as it arrives. Only what metering needs is read: the JSON answer's usage, and of a stream only its message_start,
// message_delta and error events; every other event goes on unparsed.
import { UpstreamError } from '../../../errors/shuttle-error.js';
import { readServerSentEvents } from '../../sse.js';
import type { UpstreamClient } from '../../upstream-client.js';
import type { ChatResult, NativeCall, NativeEndpoint, StreamPart } from '../provider.js';
import { parseJson, sendJsonRequest } from '../translate/upstream-json.js';
import { streamError } from './errors.js';
import { mergedUsage, usageOf } from './response.js';
import { ANTHROPIC_VERSION, type Message, type MessageStreamEvent, type Usage } from './wire.js';

export class AnthropicMessagesEndpoint implements NativeEndpoint {
  readonly dialect = 'anthropic-messages';

  constructor(private readonly client: UpstreamClient) {}

  async send(call: NativeCall): Promise<ChatResult> {
    const { connection } = call;
    const stream = call.body.stream === true;
    const response = await this.post(call, '/v1/messages', stream);
    if (stream) return { stream: true, parts: relayedEvents(connection.name, response.body), model: call.model };
    const text = await response.body.text();
    const message = parseJson<Message>(connection.name, text);
    return { stream: false, body: text, usage: usageOf(message.usage), model: message.model || call.model };
  }

  async countTokens(call: NativeCall): Promise<number> {
    const response = await this.post(call, '/v1/messages/count_tokens', false);
    const { input_tokens } = parseJson<{ input_tokens?: unknown }>(call.connection.name, await response.body.text());
    if (typeof input_tokens === 'number') return input_tokens;
    throw new UpstreamError(call.connection.name, 'upstream_invalid_response', {
      message: `${call.connection.name} sent no input_tokens.`,
    });
  }

  private post(call: NativeCall, path: string, stream: boolean) {
    const { connection, body } = call;
    return sendJsonRequest(this.client, {
      connection,
      url: `${connection.baseUrl.replace(/\/+$/, '')}${path}`,
      headers: {
        ...call.headers,
        'anthropic-version': call.headers['anthropic-version'] ?? ANTHROPIC_VERSION,
        ...(connection.apiKey ? { 'x-api-key': connection.apiKey } : {}),
      },
      body: call.bodyJson !== undefined && body.model === call.model ? call.bodyJson : JSON.stringify({ ...body, model: call.model }),
      stream,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
  }
}

/** Anthropic's events, each as it arrives, with the usage so far on message_start and message_delta. */
export async function* relayedEvents(provider: string, body: AsyncIterable<Uint8Array>): AsyncGenerator<StreamPart> {
  let usage: Usage = {};
  for await (const events of readServerSentEvents(body)) {
    for (const { event, data } of events) {
      if (data === '') continue;
      const name = event ?? (parseJson<MessageStreamEvent>(provider, data).type as string);
      switch (name) {
        case 'message_start': {
          const { message } = parseJson<Extract<MessageStreamEvent, { type: 'message_start' }>>(provider, data);
          usage = { ...message.usage };
          yield { data, event: name, model: message.model, usage: usageOf(usage) };
          break;
        }
        case 'message_delta': {
          const delta = parseJson<Extract<MessageStreamEvent, { type: 'message_delta' }>>(provider, data);
          usage = mergedUsage(usage, delta.usage);
          yield { data, event: name, usage: usageOf(usage) };
          break;
        }
        case 'error':
          throw streamError(provider, parseJson<Extract<MessageStreamEvent, { type: 'error' }>>(provider, data).error);
        case 'message_stop':
          yield { data, event: name };
          return;
        default:
          yield { data, event: name };
      }
    }
  }
  throw new UpstreamError(provider, 'upstream_invalid_response', { message: `${provider} ended the stream before message_stop.` });
}

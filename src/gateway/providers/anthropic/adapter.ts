// Anthropic's Messages API: translates OpenAI chat requests to POST /v1/messages and the answers back.
import type { UpstreamClient } from '../../upstream-client.js';
import type { ChatCall, ChatResult, ProviderAdapter } from '../provider.js';
import { answerToolOf } from '../translate/answer-tool.js';
import { readJson, sendJsonRequest } from '../translate/upstream-json.js';
import { readAnthropicError } from './errors.js';
import { AnthropicMessagesEndpoint } from './native.js';
import { toMessagesRequest } from './request.js';
import { toCompletion } from './response.js';
import { anthropicStreamParts } from './stream.js';
import { ANTHROPIC_VERSION, type Message } from './wire.js';

export class AnthropicAdapter implements ProviderAdapter {
  readonly type = 'anthropic';
  /** Anthropic Messages requests reach Anthropic as they came. */
  readonly native: AnthropicMessagesEndpoint;

  constructor(private readonly client: UpstreamClient) {
    this.native = new AnthropicMessagesEndpoint(client);
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const { connection } = call;
    const answerTool = answerToolOf(call.params);
    const request = toMessagesRequest(call.params, call.model, answerTool);
    const response = await sendJsonRequest(
      this.client,
      {
        connection,
        url: `${connection.baseUrl.replace(/\/+$/, '')}/v1/messages`,
        headers: { 'anthropic-version': ANTHROPIC_VERSION, ...(connection.apiKey ? { 'x-api-key': connection.apiKey } : {}) },
        body: JSON.stringify(request),
        stream: request.stream === true,
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      },
      readAnthropicError,
    );
    if (request.stream)
      return {
        stream: true,
        parts: anthropicStreamParts(connection.name, response.body, call.model, answerTool?.name),
        model: call.model,
      };
    const message = await readJson<Message>(connection.name, response);
    const { body, usage } = toCompletion(message, answerTool?.name);
    return { stream: false, body, usage, model: message.model || call.model };
  }
}

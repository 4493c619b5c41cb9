// Amazon Bedrock's Converse API: OpenAI chat requests to /model/{modelId}/converse (or /converse-stream, answered
// as a binary event stream), signed with SigV4, or with a Bedrock API key as a bearer token when one is set.
import { ShuttleError } from '../../../errors/shuttle-error.js';
import type { UpstreamClient } from '../../upstream-client.js';
import type { ChatCall, ChatResult, PriceKey, ProviderAdapter, ProviderConnection } from '../provider.js';
import { answerToolOf } from '../translate/answer-tool.js';
import { modelSegment } from '../translate/model-segment.js';
import { readJson, sendJsonRequest } from '../translate/upstream-json.js';
import { readBedrockError } from './errors.js';
import { toConverseRequest } from './request.js';
import { toCompletion } from './response.js';
import { type AwsCredentials, signRequest } from './sigv4.js';
import { bedrockStreamParts } from './stream.js';
import type { ConverseResponse } from './wire.js';

/** Cross-region inference profiles prefix a model id with its geography (`us.anthropic.claude-…`). */
const PROFILE_PREFIX = /^(?:us|eu|apac|jp|au|ca|us-gov|global)\./;

export class BedrockAdapter implements ProviderAdapter {
  readonly type = 'bedrock';

  constructor(private readonly client: UpstreamClient) {}

  /** An inference profile or ARN costs what the model it names costs. */
  pricedAs(model: string): PriceKey {
    return { providerType: 'bedrock', model: (model.split('/').at(-1) ?? model).replace(PROFILE_PREFIX, '') };
  }

  async chat(call: ChatCall): Promise<ChatResult> {
    const { connection } = call;
    const stream = call.params.stream === true;
    const url = `${connection.baseUrl.replace(/\/+$/, '')}/model/${modelSegment(call.model)}/${stream ? 'converse-stream' : 'converse'}`;
    const answerTool = answerToolOf(call.params);
    const body = JSON.stringify(toConverseRequest(call.params, answerTool));
    const response = await sendJsonRequest(
      this.client,
      {
        connection,
        url,
        headers: {
          ...authorization(connection, url, body),
          accept: stream ? 'application/vnd.amazon.eventstream' : 'application/json',
        },
        body,
        stream,
        signal: call.signal,
        timeoutMs: call.timeoutMs,
      },
      readBedrockError,
    );
    if (stream)
      return {
        stream: true,
        parts: bedrockStreamParts(connection.name, response.body, call.model, answerTool?.name),
        model: call.model,
      };
    const answer = await readJson<ConverseResponse>(connection.name, response);
    const { body: completion, usage } = toCompletion(answer, call.model, answerTool?.name);
    return { stream: false, body: completion, usage, model: call.model };
  }
}

/** A bearer token when the connection has a Bedrock API key, else SigV4 headers from its AWS credentials. */
function authorization(connection: ProviderConnection, url: string, body: string): Record<string, string> {
  if (connection.apiKey) return { authorization: `Bearer ${connection.apiKey}` };
  const { accessKeyId, secretAccessKey, sessionToken, region } = connection.options ?? {};
  if (typeof accessKeyId !== 'string' || typeof secretAccessKey !== 'string') {
    throw new ShuttleError('provider_not_configured', {
      message: `The ${connection.name} connection has no AWS credentials (nor a Bedrock API key); an admin must add them.`,
    });
  }
  const credentials: AwsCredentials = {
    accessKeyId,
    secretAccessKey,
    sessionToken: typeof sessionToken === 'string' ? sessionToken : undefined,
  };
  const target = new URL(url);
  const headers = { 'content-type': 'application/json' };
  const signed = signRequest({ method: 'POST', host: target.host, path: target.pathname, headers, body }, credentials, {
    region: typeof region === 'string' ? region : 'us-east-1',
    service: 'bedrock',
    date: new Date(),
  });
  return { ...headers, ...signed };
}

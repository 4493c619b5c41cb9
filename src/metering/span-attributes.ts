// The attributes of the spans a request is exported as: the OpenTelemetry GenAI semantic conventions where they have
// a name for the thing, `shuttle.*` for the rest.
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { ShuttleError, UpstreamError } from '../errors/shuttle-error.js';
import type { RequestMeter } from './request-meter.js';

// The GenAI conventions are experimental and have moved out of @opentelemetry/semantic-conventions (its constants
// for them are deprecated), so their names are written here as the GenAI semantic conventions spell them.
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestStream: 'gen_ai.request.stream',
  responseModel: 'gen_ai.response.model',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  promptName: 'gen_ai.prompt.name',
  promptVersion: 'gen_ai.prompt.version',
} as const;

export const SHUTTLE = {
  requestId: 'shuttle.request.id',
  tenantId: 'shuttle.tenant.id',
  keyId: 'shuttle.key.id',
  customerId: 'shuttle.customer.id',
  environment: 'shuttle.environment',
  costUsd: 'shuttle.cost.usd',
  connection: 'shuttle.provider.connection',
  attempts: 'shuttle.attempts',
  attempt: 'shuttle.attempt',
} as const;

/** `gen_ai.operation.name` of each metered endpoint: the Responses, Messages and flow-run endpoints all chat. */
const OPERATIONS: Readonly<Record<string, string>> = {
  'chat.completions': 'chat',
  responses: 'chat',
  messages: 'chat',
  'flows.run': 'chat',
  'tools.test': 'chat',
  embeddings: 'embeddings',
};

/** `gen_ai.provider.name` of the provider types the conventions name; the others go by their own type. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  bedrock: 'aws.bedrock',
  mistral: 'mistral_ai',
  groq: 'groq',
  deepseek: 'deepseek',
  xai: 'x_ai',
};

export function operationOf(endpoint: string): string {
  return OPERATIONS[endpoint] ?? endpoint;
}

export function providerNameOf(type: string): string {
  return PROVIDER_NAMES[type] ?? type;
}

/** What the HTTP layer knows of a metered request once its response has closed. */
export interface FinishedRequest {
  requestId: string;
  tenantId: string;
  keyId: string | null;
  environment: string | null;
  method: string;
  route: string | undefined;
  status: number;
  errorCode: string | null;
  /** performance.now() when the response closed. */
  endedAt: number;
}

export function requestAttributes(meter: RequestMeter, request: FinishedRequest): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operationName]: operationOf(meter.endpoint),
    [GEN_AI.inputTokens]: meter.usage.promptTokens,
    [GEN_AI.outputTokens]: meter.usage.completionTokens,
    [ATTR_HTTP_REQUEST_METHOD]: request.method,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: request.status,
    [SHUTTLE.requestId]: request.requestId,
    [SHUTTLE.tenantId]: request.tenantId,
    [SHUTTLE.costUsd]: meter.costMicros / 1_000_000,
    [SHUTTLE.attempts]: meter.attempts,
  };
  if (request.route !== undefined) attributes[ATTR_HTTP_ROUTE] = request.route;
  if (request.keyId !== null) attributes[SHUTTLE.keyId] = request.keyId;
  if (request.environment !== null) attributes[SHUTTLE.environment] = request.environment;
  if (meter.customerId !== null) attributes[SHUTTLE.customerId] = meter.customerId;
  if (meter.requestedModel !== null) attributes[GEN_AI.requestModel] = meter.requestedModel;
  if (meter.servedModel !== null) attributes[GEN_AI.responseModel] = meter.servedModel;
  if (meter.providerType !== null) attributes[GEN_AI.providerName] = providerNameOf(meter.providerType);
  if (meter.provider !== null) attributes[SHUTTLE.connection] = meter.provider;
  if (meter.usage.cachedTokens > 0) attributes[GEN_AI.cacheReadInputTokens] = meter.usage.cachedTokens;
  if (meter.streamed) {
    attributes[GEN_AI.requestStream] = true;
    if (meter.ttftMs !== null) attributes[GEN_AI.timeToFirstChunk] = meter.ttftMs / 1000;
  }
  if (meter.flowId !== null) attributes[GEN_AI.promptName] = meter.flowId;
  if (meter.flowVersion !== null) attributes[GEN_AI.promptVersion] = String(meter.flowVersion);
  if (request.status >= 400) attributes[ATTR_ERROR_TYPE] = request.errorCode ?? String(request.status);
  return attributes;
}

/** The provider connection and model an attempt went to (a route target). */
export interface AttemptTarget {
  connection: { name: string; type: string; baseUrl: string };
  model: string;
}

export function attemptAttributes(endpoint: string, target: AttemptTarget, attempt: number): Attributes {
  const attributes: Attributes = {
    [GEN_AI.operationName]: operationOf(endpoint),
    [GEN_AI.providerName]: providerNameOf(target.connection.type),
    [GEN_AI.requestModel]: target.model,
    [SHUTTLE.connection]: target.connection.name,
    [SHUTTLE.attempt]: attempt,
  };
  const server = serverOf(target.connection.baseUrl);
  if (server !== undefined) {
    attributes[ATTR_SERVER_ADDRESS] = server.address;
    attributes[ATTR_SERVER_PORT] = server.port;
  }
  return attributes;
}

function serverOf(baseUrl: string): { address: string; port: number } | undefined {
  if (!URL.canParse(baseUrl)) return undefined;
  const url = new URL(baseUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { address: url.hostname, port };
}

/** `error.type` of an attempt that failed: the provider's status when it answered with one, else what went wrong. */
export function failureAttributes(error: unknown): Attributes {
  if (error instanceof UpstreamError && error.failure === 'upstream_error') {
    return { [ATTR_ERROR_TYPE]: String(error.status), [ATTR_HTTP_RESPONSE_STATUS_CODE]: error.status };
  }
  if (error instanceof UpstreamError) return { [ATTR_ERROR_TYPE]: error.failure };
  if (error instanceof ShuttleError) return { [ATTR_ERROR_TYPE]: error.code };
  return { [ATTR_ERROR_TYPE]: error instanceof Error ? error.name : 'unknown' };
}

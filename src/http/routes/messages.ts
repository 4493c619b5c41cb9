// POST /api/v1/messages and /messages/count_tokens: Anthropic's Messages API, so that Anthropic's SDKs and Claude Code
// work with `baseURL: https://host/api`. Errors are Anthropic error objects (config `dialect`).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { type CountTokensRequest, MESSAGES_CLIENT_HEADERS, type MessagesRequest } from '../../gateway/dialects/anthropic-messages/wire.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, connectionSignal, environmentOf, setServedHeaders } from '../proxy-request.js';
import { principalOf } from '../request-context.js';
import { generatedValidator } from '../schemas/generated-validator.js';
import { countTokensBody, countTokensResponse, messageResponse, messagesCreateBody } from '../schemas/messages.js';
import { sendEventStream } from '../sse-response.js';

// An API key in x-api-key, as Anthropic's SDKs send it, or as a bearer credential like everywhere else.
const KEY_OR_SESSION: Array<Record<string, string[]>> = [{ apiKey: [] }, { bearer: [] }];

export function messagesRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.post(
      '/messages',
      {
        schema: {
          summary: 'Create a message (Anthropic Messages API)',
          tags: ['gateway'],
          security: KEY_OR_SESSION,
          body: messagesCreateBody,
          response: { 200: messageResponse },
        },
        validatorCompiler: generatedValidator,
        config: { metered: 'messages', minRole: 'member', dialect: 'anthropic' },
      },
      async (request, reply) => {
        const body = request.body as MessagesRequest;
        const ctx = await beginProxyRequest(runtime, request, { 'metadata.user_id': body.metadata?.user_id });
        const { result, target } = await runtime.gateway.messages(body, ctx, {
          headers: anthropicHeaders(request),
          ...(request.clientJson === null ? {} : { bodyJson: request.clientJson }),
        });
        setServedHeaders(request, reply, target, result.model, ctx.meter, !result.stream);
        if (result.stream) {
          await sendEventStream(request, reply, result, { includeUsage: true, signal: ctx.signal });
          return reply;
        }
        return reply.type('application/json').send(result.body as never);
      },
    );

    api.post(
      '/messages/count_tokens',
      {
        schema: {
          summary: 'Count the input tokens of a message (Anthropic Messages API)',
          tags: ['gateway'],
          security: KEY_OR_SESSION,
          body: countTokensBody,
          response: { 200: countTokensResponse },
        },
        validatorCompiler: generatedValidator,
        config: { minRole: 'member', dialect: 'anthropic' },
      },
      async (request) => {
        const principal = principalOf(request);
        const tenant = await runtime.tenantConfigs.get(principal.tenantId);
        const ctx = { tenant, principal, environment: environmentOf(request), signal: connectionSignal(request.raw.socket) };
        const inputTokens = await runtime.gateway.countTokens(request.body as CountTokensRequest, ctx, {
          headers: anthropicHeaders(request),
        });
        return { input_tokens: inputTokens };
      },
    );
  };
}

/** The anthropic-version and anthropic-beta headers the client sent, forwarded to Anthropic models. */
function anthropicHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of MESSAGES_CLIENT_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

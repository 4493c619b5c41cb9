// POST /api/v1/chat/completions: the OpenAI-compatible proxy endpoint.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ChatCompletionCreateParams } from '../../gateway/openai-wire.js';
import { cacheRequestOf } from '../../gateway/response-cache/response-cache.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, setServedHeaders } from '../proxy-request.js';
import { chatCompletionCreateBody, chatCompletionResponse } from '../schemas/chat-completions.js';
import { generatedValidator } from '../schemas/generated-validator.js';
import { sendEventStream } from '../sse-response.js';

export function chatCompletionsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/chat/completions',
      {
        schema: {
          summary: 'Create a chat completion (OpenAI-compatible)',
          tags: ['gateway'],
          body: chatCompletionCreateBody,
          response: { 200: chatCompletionResponse },
        },
        validatorCompiler: generatedValidator,
        config: { metered: 'chat.completions', minRole: 'member' },
      },
      async (request, reply) => {
        const params = request.body as ChatCompletionCreateParams;
        const ctx = await beginProxyRequest(runtime, request, params);
        const { result, target } = await runtime.gateway.chat(params, ctx, {
          paramsJson: request.clientJson ?? undefined,
          cache: cacheRequestOf(request.headers),
        });
        setServedHeaders(request, reply, target, result.model, ctx.meter, !result.stream);
        if (result.stream) {
          await sendEventStream(request, reply, result, {
            includeUsage: params.stream_options?.include_usage === true,
            signal: ctx.signal,
          });
          return reply;
        }
        // The provider's JSON is sent as it came: Fastify passes a string with a JSON content type through
        // unserialised, so there is no parse-and-serialise round trip on the way out.
        return reply.type('application/json').send(result.body as never);
      },
    );
  };
}

// POST /api/v1/embeddings: OpenAI-compatible embeddings on the providers that offer them.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { EmbeddingCreateParams } from '../../gateway/openai-wire.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, setServedHeaders } from '../proxy-request.js';
import { embeddingCreateBody, embeddingResponse } from '../schemas/embeddings.js';
import { generatedValidator } from '../schemas/generated-validator.js';

export function embeddingsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().post(
      '/embeddings',
      {
        schema: {
          summary: 'Create embeddings (OpenAI-compatible)',
          tags: ['gateway'],
          body: embeddingCreateBody,
          response: { 200: embeddingResponse },
        },
        validatorCompiler: generatedValidator,
        config: { metered: 'embeddings', minRole: 'member' },
      },
      async (request, reply) => {
        const params = request.body as EmbeddingCreateParams;
        const ctx = await beginProxyRequest(runtime, request, params);
        const { result, target } = await runtime.gateway.embed(params, ctx, request.clientJson ?? undefined);
        setServedHeaders(request, reply, target, result.model, ctx.meter, true);
        return reply.type('application/json').send(result.body as never);
      },
    );
  };
}

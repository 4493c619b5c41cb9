// POST /api/v1/responses, GET and DELETE /api/v1/responses/{id}: the OpenAI Responses API, translated to and from
// the chat pipeline, so every provider, routing rule, limit and meter applies as on /chat/completions.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ResponseCreateParams } from '../../gateway/dialects/responses/wire.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, setServedHeaders } from '../proxy-request.js';
import { principalOf } from '../request-context.js';
import { sendResponseEvents } from '../responses-event-stream.js';
import { generatedValidator } from '../schemas/generated-validator.js';
import { responseCreateBody, responseDeleted, responseIdParams, responseObject } from '../schemas/responses.js';

export function responsesRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.post(
      '/responses',
      {
        schema: {
          summary: 'Create a model response (OpenAI Responses API)',
          tags: ['gateway'],
          body: responseCreateBody,
          response: { 200: responseObject },
        },
        validatorCompiler: generatedValidator,
        config: { metered: 'responses', minRole: 'member' },
      },
      async (request, reply) => {
        const ctx = await beginProxyRequest(runtime, request, request.body);
        const created = await runtime.responses.create(request.body as ResponseCreateParams, ctx);
        setServedHeaders(request, reply, created.target, created.model, ctx.meter, !created.stream);
        if (created.stream) {
          await sendResponseEvents(request, reply, created.result, created.translator, ctx.signal, created.keep);
          return reply;
        }
        return reply.type('application/json').send(JSON.stringify(created.response) as never);
      },
    );

    api.get(
      '/responses/:id',
      {
        schema: {
          summary: 'Get a stored response',
          tags: ['gateway'],
          params: responseIdParams,
          response: { 200: responseObject },
        },
      },
      async (request, reply) => {
        const response = await runtime.responses.get(principalOf(request).tenantId, request.params.id);
        return reply.type('application/json').send(JSON.stringify(response) as never);
      },
    );

    api.delete(
      '/responses/:id',
      {
        schema: {
          summary: 'Delete a stored response',
          tags: ['gateway'],
          params: responseIdParams,
          response: { 200: responseDeleted },
        },
        config: { minRole: 'member' },
      },
      async (request) => {
        const { id } = request.params;
        await runtime.responses.delete(principalOf(request).tenantId, id);
        return { id, object: 'response.deleted' as const, deleted: true as const };
      },
    );
  };
}

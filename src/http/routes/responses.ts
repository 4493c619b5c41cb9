// POST /api/v1/responses, GET and DELETE /api/v1/responses/{id}: the OpenAI Responses API, translated to and from
// the chat pipeline, so every provider, routing rule, limit and meter applies as on /chat/completions.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NotFoundError } from '../../errors/shuttle-error.js';
import { newResponseId } from '../../gateway/dialects/responses/ids.js';
import { chatParamsOf, inputItemsOf } from '../../gateway/dialects/responses/request.js';
import { type ResponseHeader, responseFromCompletion } from '../../gateway/dialects/responses/response.js';
import { ResponseStreamTranslator } from '../../gateway/dialects/responses/stream.js';
import type { Response, ResponseCreateParams } from '../../gateway/dialects/responses/wire.js';
import type { ChatCompletion } from '../../gateway/openai-wire.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, setServedHeaders } from '../proxy-request.js';
import { principalOf } from '../request-context.js';
import { sendResponseEvents } from '../responses-event-stream.js';
import { generatedValidator } from '../schemas/generated-validator.js';
import { responseCreateBody, responseDeleted, responseIdParams, responseObject } from '../schemas/responses.js';

export function responsesRoutes(runtime: Runtime) {
  const store = runtime.responseStore;
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
        const params = request.body as ResponseCreateParams;
        const ctx = await beginProxyRequest(runtime, request, params);
        const input = inputItemsOf(params);
        const conversation = await store.conversation(ctx.tenant.tenantId, params.previous_response_id, input);
        const chatParams = chatParamsOf(params, conversation);
        const { result, target } = await runtime.gateway.chat(chatParams, ctx);
        setServedHeaders(request, reply, target, result.model, ctx.meter, !result.stream);
        // A tenant that keeps no bodies (retention 0) has nothing stored, whatever the request asked.
        const header: ResponseHeader = {
          id: newResponseId(),
          createdAt: Math.floor(Date.now() / 1000),
          params,
          store: params.store !== false && ctx.tenant.runRetentionDays > 0,
        };
        // Written before the answer's last byte (a bounded wait: see ResponseStore.save), so that the client's next
        // request finds it on any instance.
        const keep = async (response: Response): Promise<void> => {
          if (!header.store) return;
          await store.save({ id: header.id, tenantId: ctx.tenant.tenantId, input: conversation, response, createdAt: Date.now() });
        };
        if (result.stream) {
          const translator = new ResponseStreamTranslator(header, result.model);
          await sendResponseEvents(request, reply, result, translator, ctx.signal, keep);
          return reply;
        }
        const response = responseFromCompletion(header, JSON.parse(result.body) as ChatCompletion, ctx.meter.usage);
        await keep(response);
        return reply.type('application/json').send(JSON.stringify(response) as never);
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
        const stored = await store.find(principalOf(request).tenantId, request.params.id);
        if (stored === undefined) throw new NotFoundError(`No stored response "${request.params.id}".`);
        return reply.type('application/json').send(JSON.stringify(stored.response) as never);
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
        if (!(await store.delete(principalOf(request).tenantId, id))) throw new NotFoundError(`No stored response "${id}".`);
        return { id, object: 'response.deleted' as const, deleted: true as const };
      },
    );
  };
}

// GET /api/v1/models and /models/{id}: the models the caller can name, in OpenAI's list and model formats.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import { environmentOf } from '../proxy-request.js';
import { principalOf } from '../request-context.js';

const model = z.object({ id: z.string(), object: z.literal('model'), created: z.int(), owned_by: z.string() });
const modelList = z.object({ object: z.literal('list'), data: z.array(model) });

export function modelsRoutes(runtime: Runtime) {
  const modelsOf = async (request: FastifyRequest) => {
    const principal = principalOf(request);
    const tenant = await runtime.tenantConfigs.get(principal.tenantId);
    return runtime.gateway.listModels(tenant, principal, environmentOf(request));
  };
  /** One of the caller's models; another tenant's aliases and connections are not among them, so they are 404s too. */
  const modelNamed = async (request: FastifyRequest, id: string) => {
    const found = (await modelsOf(request)).find((candidate) => candidate.id === id);
    if (!found) throw new NotFoundError(`The model "${id}" does not exist or is not available to this key.`, 'model_not_found');
    return found;
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    const typed = app.withTypeProvider<ZodTypeProvider>();
    typed.get(
      '/models',
      {
        schema: {
          summary: 'List the models and routing aliases this key may use in its environment',
          tags: ['gateway'],
          response: { 200: modelList },
        },
      },
      async (request) => ({ object: 'list' as const, data: await modelsOf(request) }),
    );
    typed.get(
      '/models/:id',
      {
        schema: {
          summary: 'One model or routing alias this key may use; the id\'s "/" may be sent as is or as %2F',
          tags: ['gateway'],
          params: z.object({ id: z.string() }),
          response: { 200: model },
        },
      },
      async (request) => modelNamed(request, request.params.id),
    );
    // Model ids contain "/" (`openai/gpt-4o-mini`), which clients send unencoded: the same answer for the raw path.
    typed.get('/models/*', { schema: { hide: true, response: { 200: model } } }, async (request) =>
      modelNamed(request, (request.params as { '*': string })['*']),
    );
  };
}

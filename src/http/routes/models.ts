// GET /api/v1/models: the models the caller can name, in OpenAI's list format.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { environmentOf } from '../proxy-request.js';
import { principalOf } from '../request-context.js';

const modelList = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.int(), owned_by: z.string() })),
});

export function modelsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/models',
      {
        schema: {
          summary: 'List the models and routing aliases this key may use in its environment',
          tags: ['gateway'],
          response: { 200: modelList },
        },
      },
      async (request) => {
        const principal = principalOf(request);
        const tenant = await runtime.tenantConfigs.get(principal.tenantId);
        return { object: 'list' as const, data: runtime.gateway.listModels(tenant, principal, environmentOf(request)) };
      },
    );
  };
}

// /environments: every tenant has production and development and may add more. Keys, provider connections and
// routing rules (and flow deployments) belong to one environment.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { BUILT_IN_ENVIRONMENTS } from '../../store/repositories/environments.js';
import { actorOf, principalOf } from '../request-context.js';
import { isoDateTime, listOf, toIso } from '../schemas/common.js';
import { environmentName } from '../schemas/keys.js';

const environmentView = z.object({ name: z.string(), builtIn: z.boolean(), createdAt: isoDateTime });
const toView = (e: { name: string; createdAt: number }) => ({
  name: e.name,
  builtIn: (BUILT_IN_ENVIRONMENTS as readonly string[]).includes(e.name),
  createdAt: toIso(e.createdAt),
});

export function environmentsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;

    api.get(
      '/environments',
      {
        schema: { summary: 'List the tenant’s environments', tags: ['environments'], response: { 200: listOf(environmentView) } },
        config: { auth: 'user' },
      },
      async (request) => ({ data: (await runtime.environments.list(principalOf(request).tenantId)).map(toView), nextCursor: null }),
    );

    api.post(
      '/environments',
      {
        schema: {
          summary: 'Add an environment (e.g. staging)',
          tags: ['environments'],
          body: z.object({ name: environmentName }),
          response: { 201: environmentView },
        },
        config: admin,
      },
      async (request, reply) => {
        const environment = await runtime.environments.create(principalOf(request).tenantId, actorOf(request), request.body.name);
        return reply.code(201).send(toView(environment));
      },
    );

    api.delete(
      '/environments/:name',
      {
        schema: {
          summary: 'Remove an environment that nothing uses any more',
          tags: ['environments'],
          params: z.object({ name: z.string() }),
        },
        config: admin,
      },
      async (request, reply) => {
        await runtime.environments.delete(principalOf(request).tenantId, actorOf(request), request.params.name);
        return reply.code(204).send();
      },
    );
  };
}

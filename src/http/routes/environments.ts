// /environments: every tenant has production and development and may add more. Keys, provider connections and
// routing rules (and flow deployments) belong to one environment.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../../errors/shuttle-error.js';
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
      async (request) => ({ data: (await runtime.repos.environments.list(principalOf(request).tenantId)).map(toView), nextCursor: null }),
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
        const { tenantId } = principalOf(request);
        const environment = await runtime.repos.environments.create(tenantId, request.body.name);
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'environment.created',
          targetType: 'environment',
          targetId: environment.name,
        });
        await runtime.bus.publish('tenant-config', tenantId);
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
        const { tenantId } = principalOf(request);
        const { name } = request.params;
        if ((BUILT_IN_ENVIRONMENTS as readonly string[]).includes(name)) {
          throw new ConflictError('conflict', { message: `The ${name} environment is built in and cannot be removed.` });
        }
        if (!(await runtime.repos.environments.exists(tenantId, name))) throw new NotFoundError(`No environment "${name}".`);
        const usage = await runtime.repos.environments.usage(tenantId, name);
        if (usage.keys + usage.connections + usage.rules > 0) {
          throw new ConflictError('conflict', {
            message: `The ${name} environment still has ${usage.keys} key(s), ${usage.connections} provider connection(s) and ${usage.rules} routing rule(s); remove them first.`,
          });
        }
        await runtime.repos.environments.delete(tenantId, name);
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'environment.deleted',
          targetType: 'environment',
          targetId: name,
        });
        await runtime.bus.publish('tenant-config', tenantId);
        return reply.code(204).send();
      },
    );
  };
}

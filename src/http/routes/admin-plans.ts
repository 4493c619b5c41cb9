// /admin/plans: the plans operators give tenants (docs/operators.md). Operators only.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Runtime } from '../../runtime.js';
import { operatorOf } from '../request-context.js';
import { planCreate, planPatch, planView, toPlanView } from '../schemas/admin.js';
import { idParams, listOf } from '../schemas/common.js';

export function adminPlansRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const operator = { auth: 'operator' } as const;
    const tags = ['operators'];

    api.get(
      '/admin/plans',
      { schema: { summary: 'List plans', tags, response: { 200: listOf(planView) } }, config: operator },
      async () => ({ data: (await runtime.plans.list()).map(toPlanView), nextCursor: null }),
    );

    api.post(
      '/admin/plans',
      { schema: { summary: 'Create a plan', tags, body: planCreate, response: { 201: planView } }, config: operator },
      async (request, reply) => reply.code(201).send(toPlanView(await runtime.plans.create(request.body))),
    );

    api.get(
      '/admin/plans/:id',
      { schema: { summary: 'One plan', tags, params: idParams, response: { 200: planView } }, config: operator },
      async (request) => toPlanView(await runtime.plans.get(request.params.id)),
    );

    api.patch(
      '/admin/plans/:id',
      {
        schema: {
          summary: 'Change a plan; its tenants’ effective limits and models change at once on every instance',
          tags,
          params: idParams,
          body: planPatch,
          response: { 200: planView },
        },
        config: operator,
      },
      async (request) => toPlanView(await runtime.plans.update(operatorOf(request), request.params.id, request.body)),
    );

    api.delete(
      '/admin/plans/:id',
      { schema: { summary: 'Delete a plan no tenant is on (409 plan_in_use otherwise)', tags, params: idParams }, config: operator },
      async (request, reply) => {
        await runtime.plans.delete(request.params.id);
        return reply.code(204).send();
      },
    );
  };
}

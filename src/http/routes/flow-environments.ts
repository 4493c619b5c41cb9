// Which flow version runs where: activate a version in an environment, see how two environments differ, and
// promote one environment's active versions to another (FlowDeployments does each).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Difference } from '../../flows/flow-deployments.js';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf } from '../request-context.js';
import { versionParams } from '../schemas/flows.js';

const difference = z.object({ flowId: z.string(), slug: z.string(), title: z.string(), from: z.int().nullable(), to: z.int().nullable() });
const pair = { from: z.string().min(1), to: z.string().min(1) };

const toView = (d: Difference) => ({ flowId: d.flow.id, slug: d.flow.slug, title: d.flow.title, from: d.from, to: d.to });

export function flowEnvironmentsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;

    api.post(
      '/flows/:flow/versions/:n/environments',
      {
        schema: {
          summary: 'Activate a version in an environment',
          tags: ['flows'],
          params: versionParams,
          body: z.object({ environment: z.string().min(1) }),
          response: {
            200: z.object({ flowId: z.string(), environment: z.string(), version: z.int(), previousVersion: z.int().nullable() }),
          },
        },
        config: admin,
      },
      async (request) =>
        runtime.flowDeployments.activate(
          principalOf(request).tenantId,
          actorOf(request),
          request.params.flow,
          request.params.n,
          request.body.environment,
        ),
    );

    api.get(
      '/environments/diff',
      {
        schema: {
          summary: 'The flows whose active versions differ between two environments',
          tags: ['flows'],
          querystring: z.object(pair),
          response: { 200: z.object({ from: z.string(), to: z.string(), data: z.array(difference) }) },
        },
        config: { auth: 'user' },
      },
      async (request) => ({
        ...request.query,
        data: (await runtime.flowDeployments.diff(principalOf(request).tenantId, request.query.from, request.query.to)).map(toView),
      }),
    );

    api.post(
      '/environments/promote',
      {
        schema: {
          summary: 'Copy the active versions of one environment to another (all differing flows, or those named), in one transaction',
          tags: ['flows'],
          body: z.object({ ...pair, flows: z.array(z.string()).optional().describe('Flow ids or slugs; default every flow that differs') }),
          response: {
            200: z.object({ from: z.string(), to: z.string(), data: z.array(difference.describe('to is the version before promotion')) }),
          },
        },
        config: admin,
      },
      async (request) => {
        const { from, to, flows } = request.body;
        const promoted = await runtime.flowDeployments.promote(principalOf(request).tenantId, actorOf(request), from, to, flows);
        return { from, to, data: promoted.map(toView) };
      },
    );
  };
}

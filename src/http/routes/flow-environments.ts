// Which flow version runs where: activate a version in an environment, see how two environments differ, and
// promote one environment's active versions to another in a single transaction. Activations and promotions are
// audit-logged.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InvalidRequestError, NotFoundError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import type { Db } from '../../store/database.js';
import { AuditLogRepository } from '../../store/repositories/audit-log.js';
import { EnvironmentRepository } from '../../store/repositories/environments.js';
import { type Flow, FlowRepository } from '../../store/repositories/flows.js';
import { actorOf, principalOf } from '../request-context.js';
import { versionParams } from '../schemas/flows.js';
import { findFlow } from './flows.js';

const difference = z.object({ flowId: z.string(), slug: z.string(), title: z.string(), from: z.int().nullable(), to: z.int().nullable() });
const pair = { from: z.string().min(1), to: z.string().min(1) };

interface Difference {
  flow: Flow;
  from: number | null;
  to: number | null;
}

async function differences(db: Db, tenantId: string, from: string, to: string): Promise<Difference[]> {
  const environments = new EnvironmentRepository(db);
  for (const [param, name] of Object.entries({ from, to })) {
    if (!(await environments.exists(tenantId, name))) throw new InvalidRequestError(`No environment "${name}".`, param);
  }
  const flows = new FlowRepository(db);
  const deployments = await flows.deployments(tenantId);
  const active = (flowId: string, environment: string) =>
    deployments.find((d) => d.flowId === flowId && d.environment === environment)?.version ?? null;
  return (await flows.list(tenantId))
    .map((flow) => ({ flow, from: active(flow.id, from), to: active(flow.id, to) }))
    .filter((d) => d.from !== d.to);
}

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
      async (request) => {
        const principal = principalOf(request);
        const { tenantId } = principal;
        const flow = await findFlow(runtime, tenantId, request.params.flow);
        const { environment } = request.body;
        if (!(await runtime.repos.environments.exists(tenantId, environment)))
          throw new InvalidRequestError(`No environment "${environment}".`, 'environment');
        if (!(await runtime.repos.flows.version(tenantId, flow.id, request.params.n)))
          throw new NotFoundError(`"${flow.slug}" has no version ${request.params.n}.`);
        const previous =
          (await runtime.repos.flows.deployments(tenantId, [flow.id])).find((d) => d.environment === environment)?.version ?? null;
        await runtime.repos.flows.activate(
          tenantId,
          flow.id,
          environment,
          request.params.n,
          principal.type === 'user' ? principal.userId : null,
        );
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'flow.activated',
          targetType: 'flow',
          targetId: flow.id,
          details: { slug: flow.slug, environment, version: request.params.n, previousVersion: previous },
        });
        return { flowId: flow.id, environment, version: request.params.n, previousVersion: previous };
      },
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
        data: (await differences(runtime.db, principalOf(request).tenantId, request.query.from, request.query.to)).map(toView),
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
        const principal = principalOf(request);
        const { tenantId } = principal;
        const { from, to } = request.body;
        if (from === to) throw new InvalidRequestError('from and to must be different environments.', 'to');
        const actor = actorOf(request);
        const promoted = await runtime.db.transaction().execute(async (trx) => {
          let changes = (await differences(trx, tenantId, from, to)).filter((d) => d.from !== null);
          if (request.body.flows) {
            const wanted = new Set(request.body.flows);
            for (const name of wanted) {
              if (
                !changes.some((d) => d.flow.id === name || d.flow.slug === name) &&
                !(await new FlowRepository(trx).find(tenantId, name))
              ) {
                throw new NotFoundError(`No flow "${name}".`);
              }
            }
            changes = changes.filter((d) => wanted.has(d.flow.id) || wanted.has(d.flow.slug));
          }
          const flows = new FlowRepository(trx);
          for (const change of changes)
            await flows.activate(tenantId, change.flow.id, to, change.from as number, principal.type === 'user' ? principal.userId : null);
          await new AuditLogRepository(trx).record(tenantId, actor, {
            action: 'environments.promoted',
            targetType: 'environment',
            targetId: to,
            details: { from, to, flows: changes.map((c) => ({ slug: c.flow.slug, version: c.from, previousVersion: c.to })) },
          });
          return changes;
        });
        return { from, to, data: promoted.map(toView) };
      },
    );
  };
}

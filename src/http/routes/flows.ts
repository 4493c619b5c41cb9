// /flows: named prompt programs with immutable versions, activated per environment. Admins create and change them;
// members and API keys read them (and run them, in flow-runs.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { slugify, templates } from '../../domain/flow-template.js';
import { InvalidRequestError, NotFoundError, ShuttleError } from '../../errors/shuttle-error.js';
import { versionParameters } from '../../flows/parameters.js';
import { compileSchema } from '../../flows/structured-output.js';
import type { Runtime } from '../../runtime.js';
import type { Deployment, Flow, FlowVersion } from '../../store/repositories/flows.js';
import { actorOf, principalOf } from '../request-context.js';
import { listOf, toIso } from '../schemas/common.js';
import { createFlowBody, flowParams, flowView, versionParams, versionView } from '../schemas/flows.js';

export function toFlowView(flow: Flow, deployments: Deployment[], latestVersion: number | null) {
  return {
    id: flow.id,
    slug: flow.slug,
    title: flow.title,
    description: flow.description,
    latestVersion,
    environments: Object.fromEntries(deployments.filter((d) => d.flowId === flow.id).map((d) => [d.environment, d.version])),
    createdAt: toIso(flow.createdAt),
    updatedAt: toIso(flow.updatedAt),
  };
}

const toVersionView = (v: FlowVersion) => ({
  flowId: v.flowId,
  version: v.version,
  description: v.description,
  templates: v.templates,
  parameters: versionParameters(v.templates),
  createdAt: toIso(v.createdAt),
});

export async function findFlow(runtime: Runtime, tenantId: string, idOrSlug: string): Promise<Flow> {
  const flow = await runtime.repos.flows.find(tenantId, idOrSlug);
  if (!flow) throw new NotFoundError(`No flow "${idOrSlug}".`);
  return flow;
}

export function flowsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;
    const { flows } = runtime.repos;

    const view = async (tenantId: string, flow: Flow) =>
      toFlowView(flow, await flows.deployments(tenantId, [flow.id]), (await flows.latestVersion(tenantId, flow.id))?.version ?? null);

    api.get('/flows', { schema: { summary: 'List flows', tags: ['flows'], response: { 200: listOf(flowView) } } }, async (request) => {
      const { tenantId } = principalOf(request);
      const all = await flows.list(tenantId);
      const deployments = await flows.deployments(tenantId);
      const latest = await Promise.all(all.map((flow) => flows.latestVersion(tenantId, flow.id)));
      return { data: all.map((flow, i) => toFlowView(flow, deployments, latest[i]?.version ?? null)), nextCursor: null };
    });

    api.post(
      '/flows',
      {
        schema: {
          summary: 'Create a flow (the slug comes from the title when not given)',
          tags: ['flows'],
          body: createFlowBody,
          response: { 201: flowView },
        },
        config: admin,
      },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        let slug = request.body.slug;
        if (slug === undefined) {
          const base = slugify(request.body.title);
          slug = base;
          for (let n = 2; await flows.slugTaken(tenantId, slug); n++) slug = `${base}-${n}`;
        }
        const flow = await flows.create(tenantId, { slug, title: request.body.title, description: request.body.description ?? null });
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'flow.created',
          targetType: 'flow',
          targetId: flow.id,
          details: { slug },
        });
        return reply.code(201).send(await view(tenantId, flow));
      },
    );

    api.get(
      '/flows/:flow',
      {
        schema: {
          summary: 'A flow, with its active version per environment',
          tags: ['flows'],
          params: flowParams,
          response: { 200: flowView },
        },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        return view(tenantId, await findFlow(runtime, tenantId, request.params.flow));
      },
    );

    api.patch(
      '/flows/:flow',
      {
        schema: {
          summary: 'Rename a flow or change its slug',
          tags: ['flows'],
          params: flowParams,
          body: createFlowBody.partial(),
          response: { 200: flowView },
        },
        config: admin,
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await flows.update(
          tenantId,
          await findFlow(runtime, tenantId, request.params.flow),
          JSON.parse(JSON.stringify(request.body)),
        );
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'flow.updated',
          targetType: 'flow',
          targetId: flow.id,
          details: request.body,
        });
        return view(tenantId, flow);
      },
    );

    api.delete(
      '/flows/:flow',
      { schema: { summary: 'Delete a flow, its versions and deployments', tags: ['flows'], params: flowParams }, config: admin },
      async (request, reply) => {
        const { tenantId } = principalOf(request);
        const flow = await findFlow(runtime, tenantId, request.params.flow);
        await flows.delete(tenantId, flow.id);
        await runtime.repos.auditLog.record(tenantId, actorOf(request), {
          action: 'flow.deleted',
          targetType: 'flow',
          targetId: flow.id,
          details: { slug: flow.slug },
        });
        return reply.code(204).send();
      },
    );

    api.post(
      '/flows/:flow/versions',
      {
        schema: {
          summary: 'Create the next version; versions never change afterwards',
          tags: ['flows'],
          params: flowParams,
          body: z.object({ templates, description: z.string().max(2000).optional() }),
          response: { 201: versionView },
        },
        config: admin,
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const flow = await findFlow(runtime, principal.tenantId, request.params.flow);
        for (const [name, template] of Object.entries(request.body.templates)) {
          if (template.responseSchema) {
            try {
              compileSchema(template.responseSchema);
            } catch (error) {
              throw new InvalidRequestError((error as Error).message, `templates.${name}.responseSchema`);
            }
          }
        }
        const version = await flows.addVersion(principal.tenantId, flow.id, {
          templates: request.body.templates,
          description: request.body.description ?? null,
          createdBy: principal.type === 'user' ? principal.userId : null,
        });
        await runtime.repos.auditLog.record(principal.tenantId, actorOf(request), {
          action: 'flow.version_created',
          targetType: 'flow',
          targetId: flow.id,
          details: { version: version.version },
        });
        return reply.code(201).send(toVersionView(version));
      },
    );

    api.get(
      '/flows/:flow/versions',
      { schema: { summary: 'List a flow’s versions', tags: ['flows'], params: flowParams, response: { 200: listOf(versionView) } } },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await findFlow(runtime, tenantId, request.params.flow);
        return { data: (await flows.versions(tenantId, flow.id)).map(toVersionView), nextCursor: null };
      },
    );

    api.get(
      '/flows/:flow/versions/:n',
      { schema: { summary: 'One version of a flow', tags: ['flows'], params: versionParams, response: { 200: versionView } } },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await findFlow(runtime, tenantId, request.params.flow);
        const version = await flows.version(tenantId, flow.id, request.params.n);
        if (!version) throw new NotFoundError(`"${flow.slug}" has no version ${request.params.n}.`);
        return toVersionView(version);
      },
    );

    for (const method of ['PATCH', 'PUT'] as const) {
      api.route({
        method,
        url: '/flows/:flow/versions/:n',
        schema: { summary: 'Versions are immutable: always 409', tags: ['flows'], params: versionParams, hide: true },
        config: { auth: 'user' },
        handler: async () => {
          throw new ShuttleError('version_immutable');
        },
      });
    }

    api.get(
      '/flows/:flow/parameters',
      {
        schema: {
          summary: 'The [[parameters]] of a version (the latest by default)',
          tags: ['flows'],
          params: flowParams,
          querystring: z.object({ version: z.coerce.number().int().positive().optional() }),
          response: {
            200: z.object({ version: z.int(), parameters: z.array(z.object({ name: z.string(), templates: z.array(z.string()) })) }),
          },
        },
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const flow = await findFlow(runtime, tenantId, request.params.flow);
        const version =
          request.query.version === undefined
            ? await flows.latestVersion(tenantId, flow.id)
            : await flows.version(tenantId, flow.id, request.query.version);
        if (!version)
          throw new NotFoundError(
            request.query.version === undefined
              ? `"${flow.slug}" has no versions yet.`
              : `"${flow.slug}" has no version ${request.query.version}.`,
          );
        return { version: version.version, parameters: versionParameters(version.templates) };
      },
    );
  };
}

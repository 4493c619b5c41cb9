// /flows: named prompt programs with immutable versions, activated per environment. Admins create and change them;
// members and API keys read them (and run them, in flow-runs.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { templates } from '../../domain/flow-template.js';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { FlowSummary } from '../../flows/flows.js';
import { versionParameters } from '../../flows/parameters.js';
import type { Runtime } from '../../runtime.js';
import type { FlowVersion } from '../../store/repositories/flows.js';
import { actorOf, principalOf } from '../request-context.js';
import { listOf, toIso } from '../schemas/common.js';
import { createFlowBody, flowParams, flowView, versionParams, versionView } from '../schemas/flows.js';

const toFlowView = (flow: FlowSummary) => ({
  id: flow.id,
  slug: flow.slug,
  title: flow.title,
  description: flow.description,
  latestVersion: flow.latestVersion,
  environments: flow.environments,
  createdAt: toIso(flow.createdAt),
  updatedAt: toIso(flow.updatedAt),
});

const toVersionView = (v: FlowVersion) => ({
  flowId: v.flowId,
  version: v.version,
  description: v.description,
  templates: v.templates,
  parameters: versionParameters(v.templates),
  createdAt: toIso(v.createdAt),
});

export function flowsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;
    const { flows } = runtime;

    api.get('/flows', { schema: { summary: 'List flows', tags: ['flows'], response: { 200: listOf(flowView) } } }, async (request) => ({
      data: (await flows.list(principalOf(request).tenantId)).map(toFlowView),
      nextCursor: null,
    }));

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
        const flow = await flows.create(principalOf(request).tenantId, actorOf(request), request.body);
        return reply.code(201).send(toFlowView(flow));
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
      async (request) => toFlowView(await flows.get(principalOf(request).tenantId, request.params.flow)),
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
      async (request) => toFlowView(await flows.update(principalOf(request).tenantId, actorOf(request), request.params.flow, request.body)),
    );

    api.delete(
      '/flows/:flow',
      { schema: { summary: 'Delete a flow, its versions and deployments', tags: ['flows'], params: flowParams }, config: admin },
      async (request, reply) => {
        await flows.delete(principalOf(request).tenantId, actorOf(request), request.params.flow);
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
        const version = await flows.addVersion(principalOf(request).tenantId, actorOf(request), request.params.flow, request.body);
        return reply.code(201).send(toVersionView(version));
      },
    );

    api.get(
      '/flows/:flow/versions',
      { schema: { summary: 'List a flow’s versions', tags: ['flows'], params: flowParams, response: { 200: listOf(versionView) } } },
      async (request) => ({
        data: (await flows.versions(principalOf(request).tenantId, request.params.flow)).map(toVersionView),
        nextCursor: null,
      }),
    );

    api.get(
      '/flows/:flow/versions/:n',
      { schema: { summary: 'One version of a flow', tags: ['flows'], params: versionParams, response: { 200: versionView } } },
      async (request) => toVersionView(await flows.version(principalOf(request).tenantId, request.params.flow, request.params.n)),
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
      async (request) => flows.parameters(principalOf(request).tenantId, request.params.flow, request.query.version),
    );
  };
}

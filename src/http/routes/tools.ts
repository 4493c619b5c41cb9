// /tools: the tenant's flow tool library (http, agent, critique, virtual and mcp tools) that flow templates name.
// Admins create and change tools; members and API keys read them. An http tool's headers are never returned: a
// tool lists their names only.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TOOL_TYPES, toolInput, toolPatch } from '../../flows/tools/tool-definition.js';
import type { StoredTool } from '../../flows/tools/tool-library.js';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf } from '../request-context.js';
import { isoDateTime, listOf, toIso } from '../schemas/common.js';

const toolParams = z.object({ tool: z.string().min(1).max(128).describe('A tool id or name') });
const toolView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    type: z.enum(TOOL_TYPES),
    parameters: z.record(z.string(), z.unknown()),
    headers: z.array(z.string()).optional().describe('An http tool’s header names; their values are never returned'),
    createdAt: isoDateTime,
    updatedAt: isoDateTime,
  })
  .catchall(z.unknown())
  .describe('A tool, with the fields of its type');

const toView = (tool: StoredTool) => ({
  ...tool.config,
  id: tool.id,
  name: tool.name,
  description: tool.description,
  type: tool.type,
  parameters: tool.parameters,
  ...(tool.type === 'http' ? { headers: tool.headerNames } : {}),
  createdAt: toIso(tool.createdAt),
  updatedAt: toIso(tool.updatedAt),
});

export function toolsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;
    const { tools } = runtime;

    api.get(
      '/tools',
      { schema: { summary: 'List the tool library', tags: ['tools'], response: { 200: listOf(toolView) } } },
      async (request) => ({
        data: (await tools.list(principalOf(request).tenantId)).map(toView),
        nextCursor: null,
      }),
    );

    api.post(
      '/tools',
      {
        schema: { summary: 'Add a tool to the library', tags: ['tools'], body: toolInput, response: { 201: toolView } },
        config: admin,
      },
      async (request, reply) => {
        const tool = await tools.create(principalOf(request).tenantId, actorOf(request), request.body);
        return reply.code(201).send(toView(tool));
      },
    );

    api.get(
      '/tools/:tool',
      { schema: { summary: 'One tool', tags: ['tools'], params: toolParams, response: { 200: toolView } } },
      async (request) => toView(await tools.get(principalOf(request).tenantId, request.params.tool)),
    );

    api.patch(
      '/tools/:tool',
      {
        schema: {
          summary: 'Change a tool (its type never changes; headers are kept unless sent)',
          tags: ['tools'],
          params: toolParams,
          body: toolPatch,
          response: { 200: toolView },
        },
        config: admin,
      },
      async (request) => toView(await tools.update(principalOf(request).tenantId, actorOf(request), request.params.tool, request.body)),
    );

    api.delete(
      '/tools/:tool',
      { schema: { summary: 'Delete a tool', tags: ['tools'], params: toolParams }, config: admin },
      async (request, reply) => {
        await tools.delete(principalOf(request).tenantId, actorOf(request), request.params.tool);
        return reply.code(204).send();
      },
    );
  };
}

// /tools: the tenant's flow tool library (http, agent, critique, virtual and mcp tools) that flow templates name.
// Admins create and change tools; members and API keys read them. An http tool's headers are never returned: a
// tool lists their names only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toolInput, toolPatch } from '../../flows/tools/tool-definition.js';
import type { StoredTool } from '../../flows/tools/tool-library.js';
import { callsModels } from '../../flows/tools/tool-test.js';
import type { CallContext } from '../../gateway/gateway.js';
import { RequestMeter } from '../../metering/request-meter.js';
import type { Runtime } from '../../runtime.js';
import { beginProxyRequest, connectionSignal, environmentOf } from '../proxy-request.js';
import { actorOf, principalOf } from '../request-context.js';
import { listOf } from '../schemas/common.js';
import { toolToView, toolView } from '../schemas/tools.js';

const toolParams = z.object({ tool: z.string().min(1).max(128).describe('A tool id or name') });
const testBody = z
  .object({
    arguments: z.record(z.string(), z.unknown()).default({}).describe('The arguments, checked against the tool’s parameters'),
    environment: z.string().min(1).max(64).optional().describe('Where agent and critique tools run their flows'),
  })
  .strict();
const testResult = z.object({
  status: z.enum(['succeeded', 'failed']),
  result: z.string().describe('What the tool answered, or why it failed (at most 65,536 characters)'),
  truncated: z.boolean(),
  latencyMs: z.number(),
});

/** A test that makes model calls is a metered request (endpoint tools.test), like a run. */
async function beginToolTest(runtime: Runtime, request: FastifyRequest, tool: StoredTool, environment: string): Promise<CallContext> {
  const meter = new RequestMeter('tools.test', request.startedAt);
  request.meter = meter;
  runtime.tracing?.requestStarted(meter, request.headers);
  const flowId = tool.config.flowId ?? tool.config.producerFlow;
  if (typeof flowId === 'string') meter.flowId = flowId;
  return beginProxyRequest(runtime, request, {}, environment);
}

export function toolsRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;
    const { tools } = runtime;

    api.get(
      '/tools',
      { schema: { summary: 'List the tool library', tags: ['tools'], response: { 200: listOf(toolView) } } },
      async (request) => ({
        data: (await tools.list(principalOf(request).tenantId)).map(toolToView),
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
        return reply.code(201).send(toolToView(tool));
      },
    );

    api.get(
      '/tools/:tool',
      { schema: { summary: 'One tool', tags: ['tools'], params: toolParams, response: { 200: toolView } } },
      async (request) => toolToView(await tools.get(principalOf(request).tenantId, request.params.tool)),
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
      async (request) => toolToView(await tools.update(principalOf(request).tenantId, actorOf(request), request.params.tool, request.body)),
    );

    api.post(
      '/tools/:tool/test',
      {
        schema: {
          summary: 'Run a tool once, outside any flow',
          description:
            'The arguments must satisfy the tool’s parameters (else 400). What the tool answers — or the error it fails with — is a 200 with status succeeded or failed. Agent and critique tools run their flows (their versions active in the environment: the body’s, else X-Shuttle-Environment, else production) through the pipeline: limited, routed and metered as one request (endpoint tools.test).',
          tags: ['tools'],
          params: toolParams,
          body: testBody,
          response: { 200: testResult },
        },
        config: admin,
      },
      async (request) => {
        const { tenantId } = principalOf(request);
        const tool = await tools.get(tenantId, request.params.tool);
        const args = request.body.arguments;
        runtime.toolTester.check(tool, args);
        const environment = environmentOf(request, request.body.environment);
        const call = callsModels(tool) ? await beginToolTest(runtime, request, tool, environment) : undefined;
        return runtime.toolTester.run(tool, args, {
          tenantId,
          environment: call?.environment ?? environment,
          call,
          depth: 0,
          signal: call?.signal ?? connectionSignal(request.raw.socket),
        });
      },
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

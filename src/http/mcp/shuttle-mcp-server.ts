// Shuttle's own MCP server (docs/mcp.md): the tools an agent manages and runs flows with, built for one request on
// the flow domain services, acting in the request's tenant with the caller's rights — each tool demands what the
// matching HTTP route demands (reads: any credential; changes: an admin's session; runs: a member, or an API key).
// Flows and versions, and the tool library.

import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hasRole } from '../../auth/roles.js';
import { SLUG, templates } from '../../domain/flow-template.js';
import { PermissionDeniedError, ShuttleError } from '../../errors/shuttle-error.js';
import type { FlowSummary } from '../../flows/flows.js';
import { versionParameters } from '../../flows/parameters.js';
import { toolInput } from '../../flows/tools/tool-definition.js';
import type { Runtime } from '../../runtime.js';
import type { FlowVersion } from '../../store/repositories/flows.js';
import type { Role } from '../../store/schema.js';
import { actorOf, principalOf } from '../request-context.js';
import { toIso } from '../schemas/common.js';
import { toolToView } from '../schemas/tools.js';
import { runFlowForMcp } from './mcp-flow-run.js';

/** Who may call a tool: as a route's `auth` and `minRole` (request-context.ts). */
export interface ToolAccess {
  auth: 'any' | 'user';
  minRole?: Role;
}

const READ: ToolAccess = { auth: 'any' };
const ADMIN: ToolAccess = { auth: 'user', minRole: 'admin' };
const RUN: ToolAccess = { auth: 'any', minRole: 'member' };

const flowRef = z.string().min(1).max(128).describe('The flow’s id or slug');
const version = z.int().min(1).max(2_147_483_647);

/** Refuses the call as the HTTP route would (403), before anything is read or changed. */
export function assertAccess(request: FastifyRequest, access: ToolAccess): void {
  const principal = principalOf(request);
  if (access.auth === 'user' && principal.type === 'key') {
    throw new PermissionDeniedError('permission_denied', {
      message: 'API keys cannot do this; it needs a logged-in user (a session token from POST /api/v1/auth/login).',
    });
  }
  if (access.minRole && principal.type === 'user' && !hasRole(principal.role, access.minRole)) {
    throw new PermissionDeniedError('permission_denied', {
      message: `This needs the ${access.minRole} role or higher; you are ${principal.role === 'admin' ? 'an' : 'a'} ${principal.role}.`,
    });
  }
}

/** A tool's answer: its value as JSON text. */
export function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
}

/** A failure the agent can read: the error's code and message, as the HTTP API would answer them. */
export function errorResult(error: unknown): CallToolResult {
  const failure = error instanceof ShuttleError ? error : new ShuttleError('internal_error');
  return { content: [{ type: 'text', text: `${failure.code} (HTTP ${failure.status}): ${failure.message}` }], isError: true };
}

/** Runs a tool's work after the access check, turning any failure into an error result. */
export async function guarded(request: FastifyRequest, access: ToolAccess, work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    assertAccess(request, access);
    return jsonResult(await work());
  } catch (error) {
    if (!(error instanceof ShuttleError)) request.log.error({ err: error }, 'MCP tool failed');
    return errorResult(error);
  }
}

const flowView = (flow: FlowSummary) => ({
  id: flow.id,
  slug: flow.slug,
  title: flow.title,
  description: flow.description,
  latestVersion: flow.latestVersion,
  environments: flow.environments,
  createdAt: toIso(flow.createdAt),
  updatedAt: toIso(flow.updatedAt),
});

const versionView = (v: FlowVersion) => ({
  flowId: v.flowId,
  version: v.version,
  description: v.description,
  templates: v.templates,
  parameters: versionParameters(v.templates),
  createdAt: toIso(v.createdAt),
});

/** The MCP server one request talks to. Stateless: each POST /api/mcp builds its own. */
export function shuttleMcpServer(runtime: Runtime, request: FastifyRequest): McpServer {
  const server = new McpServer({ name: 'shuttle', version: '1' });
  const tenantId = () => principalOf(request).tenantId;
  const { flows, flowDeployments } = runtime;

  server.registerTool(
    'list_flows',
    { description: 'Lists the tenant’s flows, with each one’s latest version and the version active per environment.', inputSchema: {} },
    () => guarded(request, READ, async () => ({ flows: (await flows.list(tenantId())).map(flowView) })),
  );

  server.registerTool(
    'get_flow',
    {
      description: 'A flow with one version’s templates and parameters (the latest by default).',
      inputSchema: { flow: flowRef, version: version.optional().describe('A version number; the latest by default') },
    },
    (args) =>
      guarded(request, READ, async () => {
        const flow = await flows.get(tenantId(), args.flow);
        const number = args.version ?? flow.latestVersion;
        return { flow: flowView(flow), version: number === null ? null : versionView(await flows.version(tenantId(), flow.id, number)) };
      }),
  );

  server.registerTool(
    'create_flow',
    {
      description: 'Creates a flow; with templates, also its version 1. Needs an admin’s session.',
      inputSchema: {
        title: z.string().trim().min(1).max(200),
        slug: z.string().regex(SLUG).max(64).optional().describe('From the title when not given'),
        description: z.string().max(2000).optional(),
        templates: templates.optional().describe('Templates keyed by name; "main" is the entry point'),
      },
    },
    (args) =>
      guarded(request, ADMIN, async () => {
        const flow = await flows.create(tenantId(), actorOf(request), {
          title: args.title,
          slug: args.slug,
          description: args.description,
        });
        let created: FlowVersion | null = null;
        try {
          if (args.templates) created = await flows.addVersion(tenantId(), actorOf(request), flow.id, { templates: args.templates });
        } catch (error) {
          // One tool call, one outcome: a flow whose first version is refused is not left behind.
          await flows.delete(tenantId(), actorOf(request), flow.id);
          throw error;
        }
        return { flow: flowView(await flows.get(tenantId(), flow.id)), version: created && versionView(created) };
      }),
  );

  server.registerTool(
    'create_version',
    {
      description: 'Updates a flow: adds its next version (versions never change afterwards). Needs an admin’s session.',
      inputSchema: { flow: flowRef, templates, description: z.string().max(2000).optional() },
    },
    (args) =>
      guarded(request, ADMIN, async () =>
        versionView(
          await flows.addVersion(tenantId(), actorOf(request), args.flow, { templates: args.templates, description: args.description }),
        ),
      ),
  );

  server.registerTool(
    'activate_version',
    {
      description: 'Makes a version the one a flow runs in an environment. Needs an admin’s session.',
      inputSchema: { flow: flowRef, version, environment: z.string().min(1).max(64).default('production') },
    },
    (args) =>
      guarded(request, ADMIN, () => flowDeployments.activate(tenantId(), actorOf(request), args.flow, args.version, args.environment)),
  );

  server.registerTool(
    'run_flow',
    {
      description:
        'Runs a flow with parameters: its active version in the environment (an API key’s own), unless a version is named. Metered like POST /api/v1/flows/{flow}/runs.',
      inputSchema: {
        flow: flowRef,
        parameters: z.record(z.string(), z.unknown()).default({}).describe('Values for the templates’ [[parameters]]'),
        environment: z.string().min(1).max(64).optional(),
        version: version.optional(),
        customerId: z.string().min(1).max(256).optional().describe('The end customer the run is billed to'),
      },
    },
    (args) => guarded(request, RUN, () => runFlowForMcp(runtime, request, args)),
  );

  server.registerTool(
    'list_tools',
    {
      description: 'Lists the tenant’s flow tool library (http, mcp, agent, critique and virtual tools); header values are never shown.',
      inputSchema: {},
    },
    () => guarded(request, READ, async () => ({ tools: (await runtime.tools.list(tenantId())).map(toolToView) })),
  );

  server.registerTool(
    'create_tool',
    {
      description:
        'Adds a tool to the library, as POST /api/v1/tools takes it: {name, description?, type, parameters?, …the type’s fields}. Needs an admin’s session.',
      inputSchema: {
        tool: toolInput.describe(
          'The tool: name, description, type ("http", "agent", "critique", "virtual", "mcp"), parameters and its type’s fields',
        ),
      },
    },
    (args) => guarded(request, ADMIN, async () => toolToView(await runtime.tools.create(tenantId(), actorOf(request), args.tool))),
  );

  return server;
}

// /mcp-servers: the MCP servers a tenant registers, to import their tools into flows (docs/mcp.md). Admins register,
// change, delete and discover them; API keys and members read them. Headers are encrypted at rest and never returned.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { McpServerSummary } from '../../flows/mcp/mcp-servers.js';
import { MAX_IMPORT } from '../../flows/tools/mcp-import.js';
import type { Runtime } from '../../runtime.js';
import { actorOf, principalOf } from '../request-context.js';
import { displayName, idParams, isoDateTime, listOf, toIso } from '../schemas/common.js';
import { toolToView, toolView } from '../schemas/tools.js';

/** Headers the MCP transports set themselves: a tenant's value would break the protocol or the request. */
const RESERVED_HEADERS = new Set([
  'accept',
  'connection',
  'content-length',
  'content-type',
  'host',
  'keep-alive',
  'last-event-id',
  'mcp-protocol-version',
  'mcp-session-id',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/, "must be an HTTP header name (letters, digits and !#$%&'*+.^_`|~-)")
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'is set by the MCP transport itself');
/** A header value Node can send: visible ASCII and spaces, trimmed (a pasted token's line break dropped). */
const headerValue = z
  .string()
  .trim()
  .max(8192)
  .regex(/^[\x20-\x7e]*$/, 'must be visible ASCII characters and spaces: it is sent in an HTTP header');
const headers = z
  .record(headerName, headerValue)
  .refine((value) => Object.keys(value).length <= 32, 'at most 32 headers')
  .describe('Sent with every request to the server, e.g. {"Authorization": "Bearer …"}; stored encrypted, never returned');

const serverUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  }, 'must not contain credentials: send them as headers, which are stored encrypted');

const createBody = z.object({
  name: displayName,
  url: serverUrl.describe('The server’s MCP endpoint (Streamable HTTP, or HTTP+SSE for older servers)'),
  headers: headers.optional(),
});
const updateBody = createBody.partial().strict();

const serverView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  headerNames: z.array(z.string()).describe('Which headers are stored; their values are never returned'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

const discoveredTool = z.object({
  name: z.string(),
  description: z.string(),
  inputSchema: z.record(z.string(), z.unknown()).describe('The tool’s JSON Schema for its arguments, as the server gave it'),
  alreadyImported: z.boolean().describe('A library tool of type mcp calls this tool of this server'),
});

const importBody = z
  .object({
    tools: z
      .array(z.string().min(1).max(256))
      .min(1)
      .max(MAX_IMPORT)
      .describe('Names of the server’s tools; each becomes a library tool of type mcp with that name'),
  })
  .strict();

const toView = (server: McpServerSummary) => ({ ...server, createdAt: toIso(server.createdAt), updatedAt: toIso(server.updatedAt) });

export function mcpServersRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    const api = app.withTypeProvider<ZodTypeProvider>();
    const admin = { auth: 'user', minRole: 'admin' } as const;
    const { mcpServers } = runtime;

    api.get(
      '/mcp-servers',
      { schema: { summary: 'List registered MCP servers', tags: ['mcp'], response: { 200: listOf(serverView) } } },
      async (request) => ({ data: (await mcpServers.list(principalOf(request).tenantId)).map(toView), nextCursor: null }),
    );

    api.post(
      '/mcp-servers',
      {
        schema: {
          summary: 'Register an MCP server',
          description: 'The URL may not be, or resolve to, a private address unless SHUTTLE_ALLOW_PRIVATE_NETWORKS allows it (400).',
          tags: ['mcp'],
          body: createBody,
          response: { 201: serverView },
        },
        config: admin,
      },
      async (request, reply) => {
        const created = await mcpServers.create(principalOf(request).tenantId, actorOf(request), request.body);
        return reply.code(201).send(toView(created));
      },
    );

    api.get(
      '/mcp-servers/:id',
      { schema: { summary: 'A registered MCP server', tags: ['mcp'], params: idParams, response: { 200: serverView } } },
      async (request) => toView(await mcpServers.get(principalOf(request).tenantId, request.params.id)),
    );

    api.patch(
      '/mcp-servers/:id',
      {
        schema: {
          summary: 'Change a registered MCP server (given headers replace the stored ones)',
          description:
            'Moving the URL to another origin keeps no stored header: send them again (or {} to drop them), else 400 credentials_required.',
          tags: ['mcp'],
          params: idParams,
          body: updateBody,
          response: { 200: serverView },
        },
        config: admin,
      },
      async (request) => toView(await mcpServers.update(principalOf(request).tenantId, actorOf(request), request.params.id, request.body)),
    );

    api.delete(
      '/mcp-servers/:id',
      { schema: { summary: 'Delete a registered MCP server', tags: ['mcp'], params: idParams }, config: admin },
      async (request, reply) => {
        await mcpServers.delete(principalOf(request).tenantId, actorOf(request), request.params.id);
        return reply.code(204).send();
      },
    );

    api.post(
      '/mcp-servers/:id/discover',
      {
        schema: {
          summary: 'List the tools the MCP server offers',
          description:
            'Connects to the server (Streamable HTTP, falling back to HTTP+SSE) and lists its tools, each with whether the library has it already. A server that cannot be reached answers 502 mcp_server_unreachable, one that answers too slowly 504 mcp_server_timeout, one that answers with an error 502 mcp_server_error.',
          tags: ['mcp'],
          params: idParams,
          response: { 200: listOf(discoveredTool) },
        },
        config: admin,
      },
      async (request) => ({
        data: await runtime.mcpToolImport.discover(principalOf(request).tenantId, request.params.id),
        nextCursor: null,
      }),
    );

    api.post(
      '/mcp-servers/:id/import',
      {
        schema: {
          summary: 'Import tools of the MCP server into the tool library',
          description:
            'Lists the server’s tools now and adds each named one to the library as a tool of type mcp, named like it, with its description and input schema — all or none: a name the server does not have is a 400, a name the library has already a 409 tool_name_taken naming it.',
          tags: ['mcp'],
          params: idParams,
          body: importBody,
          response: { 201: z.object({ data: z.array(toolView) }) },
        },
        config: admin,
      },
      async (request, reply) => {
        const created = await runtime.mcpToolImport.import(
          principalOf(request).tenantId,
          actorOf(request),
          request.params.id,
          request.body.tools,
        );
        return reply.code(201).send({ data: created.map(toolToView) });
      },
    );
  };
}

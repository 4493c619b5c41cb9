// /api/mcp: Shuttle as an MCP server (Streamable HTTP, stateless: every POST carries its own messages and gets its
// answer as JSON), authenticated like /api/v1 — an API key or a session token — and scoped to the caller's tenant.
// The SDK's transport speaks the protocol; the tools are in ../mcp/shuttle-mcp-server.ts.

import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { ShuttleError } from '../../errors/shuttle-error.js';
import type { Runtime } from '../../runtime.js';
import { shuttleMcpServer } from '../mcp/shuttle-mcp-server.js';

export function mcpRoutes(runtime: Runtime) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post('/mcp', { schema: { hide: true }, config: { auth: 'any' } }, async (request, reply) => {
      const server = shuttleMcpServer(runtime, request);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      // The transport writes the response itself; the headers set so far (x-request-id, nosniff) go with it.
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
      reply.raw.once('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'MCP request failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' });
          reply.raw.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error.' }, id: null }));
        }
      }
    });

    // Stateless: no stream of the server's own messages to open, and no session to end.
    for (const method of ['GET', 'DELETE'] as const) {
      app.route({
        method,
        url: '/mcp',
        schema: { hide: true },
        config: { auth: 'any' },
        handler: async () => {
          throw new ShuttleError('method_not_allowed', {
            message: 'Shuttle’s MCP server is stateless: send each message with POST /api/mcp.',
            headers: { allow: 'POST' },
          });
        },
      });
    }
  };
}

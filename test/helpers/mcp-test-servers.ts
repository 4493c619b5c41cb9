// Real MCP servers built with the official SDK, for tests: one speaking Streamable HTTP (stateless, the SDK's
// documented way), one speaking only the older HTTP+SSE transport, and a few that misbehave.
import { createServer, type Server as HttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

export interface TestMcpServer {
  /** The URL to register: `/mcp` (Streamable HTTP) or `/sse` (HTTP+SSE). */
  url: string;
  port: number;
  /** The headers of every request received. */
  requests: Array<{ method: string; path: string; headers: IncomingHttpHeaders }>;
  close(): Promise<void>;
}

/** The tools both transports serve: `echo`, `mixed` (text, an image and a resource link), `fails` (isError). */
function toolServer(): McpServer {
  const server = new McpServer({ name: 'test-tools', version: '1.0.0' });
  server.registerTool(
    'echo',
    { description: 'Echoes its text back', inputSchema: { text: z.string().describe('What to echo') } },
    async ({ text }) => ({ content: [{ type: 'text', text: `echo: ${text}` }] }),
  );
  server.registerTool('mixed', { description: 'Answers text, an image and a resource link' }, async () => ({
    content: [
      { type: 'text', text: 'first line' },
      { type: 'image', data: Buffer.from('not really a png').toString('base64'), mimeType: 'image/png' },
      { type: 'resource_link', uri: 'file:///report.pdf', name: 'report' },
      { type: 'text', text: 'last line' },
    ],
  }));
  server.registerTool('fails', { description: 'Always fails' }, async () => ({
    content: [{ type: 'text', text: 'the tool broke' }],
    isError: true,
  }));
  return server;
}

async function listen(server: HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function closer(server: HttpServer): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** Options of the Streamable HTTP server: a header it requires (401 without it). */
export interface StreamableOptions {
  requireHeader?: { name: string; value: string };
  /** Serve an MCP server with no tools at all (and so without the tools capability). */
  withoutTools?: boolean;
  /** Serve one tool, `broken`, whose every call is answered with a JSON-RPC error (a protocol-level failure). */
  protocolErrors?: boolean;
}

/** A low-level SDK server that lists one tool and answers each call with a JSON-RPC error. */
function protocolErrorServer(): Server {
  const server = new Server({ name: 'protocol-errors', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [{ name: 'broken', description: 'Answers with a JSON-RPC error', inputSchema: { type: 'object' } }],
  }));
  server.setRequestHandler(CallToolRequestSchema, async () => {
    throw new McpError(ErrorCode.InvalidParams, 'the arguments make no sense to this server');
  });
  return server;
}

export async function startStreamableMcpServer(options: StreamableOptions = {}): Promise<TestMcpServer> {
  const requests: TestMcpServer['requests'] = [];
  const http = createServer(async (req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const required = options.requireHeader;
    if (required && req.headers[required.name.toLowerCase()] !== required.value) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    if (req.method !== 'POST' || req.url !== '/mcp') {
      res.writeHead(405).end();
      return;
    }
    const server = options.protocolErrors
      ? protocolErrorServer()
      : options.withoutTools
        ? new McpServer({ name: 'no-tools', version: '1.0.0' })
        : toolServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, await readJson(req));
  });
  const port = await listen(http);
  return { url: `http://127.0.0.1:${port}/mcp`, port, requests, close: closer(http) };
}

/** A server of the 2024-11-05 protocol: GET /sse opens the stream, POST /messages carries the client's messages. */
export async function startSseOnlyMcpServer(): Promise<TestMcpServer> {
  const requests: TestMcpServer['requests'] = [];
  const transports = new Map<string, SSEServerTransport>();
  const http = createServer(async (req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SSEServerTransport('/messages', res);
      transports.set(transport.sessionId, transport);
      res.on('close', () => transports.delete(transport.sessionId));
      await toolServer().connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/messages') {
      const transport = transports.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        res.writeHead(404).end();
        return;
      }
      await transport.handlePostMessage(req, res, await readJson(req));
      return;
    }
    // What such a server answers a Streamable HTTP client's POST to /sse.
    res.writeHead(405).end();
  });
  const port = await listen(http);
  return { url: `http://127.0.0.1:${port}/sse`, port, requests, close: closer(http) };
}

/** A server that accepts connections and never answers. */
export async function startSilentServer(): Promise<TestMcpServer> {
  const requests: TestMcpServer['requests'] = [];
  const http = createServer((req) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
  });
  const port = await listen(http);
  return { url: `http://127.0.0.1:${port}/mcp`, port, requests, close: closer(http) };
}

/** A server that answers every request with `respond`. */
export async function startHostileServer(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestMcpServer> {
  const requests: TestMcpServer['requests'] = [];
  const http = createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    respond(req, res);
  });
  const port = await listen(http);
  return { url: `http://127.0.0.1:${port}/mcp`, port, requests, close: closer(http) };
}

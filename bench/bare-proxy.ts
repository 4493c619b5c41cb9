// The floor for any Node gateway: node:http in, undici keep-alive pool out, the answer relayed byte for byte.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Agent, request } from 'undici';
import type { RunningServer } from './fake-upstream.js';
import { announceReady, exitOnSignals, integerArgument, isProcessEntry, stringArgument } from './process-entry.js';

export interface BareProxyOptions {
  /** The upstream's origin, e.g. http://127.0.0.1:9000; the request path is forwarded unchanged. */
  upstream: string;
  port?: number;
}

const FORWARDED_HEADERS = ['content-type', 'authorization', 'accept'] as const;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const piece of req) chunks.push(piece as Buffer);
  return Buffer.concat(chunks);
}

async function relay(agent: Agent, origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const upstream = await request(`${origin}${req.url ?? '/'}`, {
    method: req.method === 'GET' ? 'GET' : 'POST',
    headers,
    body: req.method === 'GET' ? null : body,
    dispatcher: agent,
  });
  const type = String(upstream.headers['content-type'] ?? 'application/json');
  if (type.startsWith('text/event-stream')) {
    res.writeHead(upstream.statusCode, { 'content-type': type, 'cache-control': 'no-cache' });
    await pipeline(upstream.body, res);
    return;
  }
  const answer = Buffer.from(await upstream.body.arrayBuffer());
  res.writeHead(upstream.statusCode, { 'content-type': type, 'content-length': answer.length });
  res.end(answer);
}

export async function startBareProxy(options: BareProxyOptions): Promise<RunningServer> {
  // The same pool settings as Shuttle's upstream client, so the floor is measured on equal terms.
  const agent = new Agent({ connections: null, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, pipelining: 1 });
  const origin = options.upstream.replace(/\/+$/, '');
  const server = createServer((req, res) => {
    relay(agent, origin, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"upstream failed","type":"upstream_error"}}');
      }
    });
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}

if (isProcessEntry(import.meta.url)) {
  const upstream = stringArgument('upstream');
  if (upstream === undefined) throw new Error('--upstream <origin> is required');
  const proxy = await startBareProxy({ upstream, port: integerArgument('port', 0) });
  exitOnSignals(proxy.close);
  announceReady(proxy.port);
}

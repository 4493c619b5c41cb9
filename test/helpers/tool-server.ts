// A real HTTP tool server for flow-tool tests: what it was sent, and a few endpoints that answer, fail or misbehave.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP tool server: /weather/{city}, /echo (POST), /fail (500), /big (2 MB), /hang (never answers). */
export async function startToolServer(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path.startsWith('/weather/')) {
        const city = decodeURIComponent(path.slice('/weather/'.length));
        const unit = new URL(req.url ?? '/', 'http://x').searchParams.get('unit');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ city, temperature: 21, unit }));
      } else if (path === '/echo') res.end(`echo ${body}`);
      else if (path === '/fail') {
        res.statusCode = 500;
        res.end('boom');
      } else if (path === '/big') res.end('y'.repeat(2 * 1024 * 1024));
      else if (path === '/hang') {
        // never answers; closed with the server
      } else {
        res.statusCode = 404;
        res.end('no such tool');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

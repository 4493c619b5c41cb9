// Serves the built dashboard (web/dist) at `/`: hashed assets cached for a year, index.html revalidated on every
// load, and the single-page app's own paths answered with index.html — never a path under /api, whose unknown
// routes stay JSON errors in the OpenAI shape. Every answer carries the browser security headers (security-headers.ts).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ShuttleError } from '../../errors/shuttle-error.js';
import { NONCE_PLACEHOLDER, setDashboardHeaders } from '../security-headers.js';

/** Where `npm run build:web` writes the dashboard; the same depth from src/ and from the compiled dist/. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.map']);

interface StaticFile {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
  etag: string;
  cacheControl: string;
}

/** Reads every file of the build into memory once: the dashboard is a few hundred kilobytes. */
function loadFiles(dir: string): Map<string, StaticFile> | null {
  if (!existsSync(join(dir, 'index.html'))) return null;
  const files = new Map<string, StaticFile>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder)) {
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
      const extension = extname(entry);
      const body = readFileSync(path);
      const gzip = COMPRESSIBLE.has(extension) && body.length > 1024 ? gzipSync(body) : null;
      // Vite puts content hashes in the names of everything under /assets; anything else may change in place.
      const hashed = urlPath.startsWith('/assets/');
      files.set(urlPath, {
        body,
        gzip,
        type: TYPES[extension] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
  };
  walk(dir);
  return files;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shuttle</title></head>
<body>
<h1>The dashboard has not been built</h1>
<p>Run <code>npm run build:web</code> (or start the gateway with <code>npm start</code>, which builds it), then reload.
The API is running at <code>/api/v1</code>.</p></body></html>`;

/** A browser navigating (text/html), or a client that takes anything (curl's default, no header). */
function acceptsHtml(accept: string | undefined): boolean {
  return accept === undefined || accept.includes('text/html') || accept.includes('*/*');
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  setDashboardHeaders(request, reply);
  reply.header('cache-control', file.cacheControl).header('etag', file.etag).header('vary', 'accept-encoding').type(file.type);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (file.gzip && acceptsGzip) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * index.html with a fresh nonce: the one inline style the dashboard's dialogs add (their scroll lock) carries it, so
 * the policy allows no other inline style. A page that differs every time has no ETag (it is under a kilobyte); a
 * page that asks for no nonce is served as any file, revalidated by its ETag.
 */
function sendPage(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  if (!file.body.includes(NONCE_PLACEHOLDER)) return send(request, reply, file);
  const nonce = randomBytes(16).toString('base64');
  setDashboardHeaders(request, reply, nonce);
  const page = file.body.toString('utf8').replaceAll(NONCE_PLACEHOLDER, nonce);
  return reply.header('cache-control', 'no-cache').type(file.type).send(page);
}

export function dashboardRoutes(dir: string = DASHBOARD_DIR) {
  return async function routes(app: FastifyInstance): Promise<void> {
    let files = loadFiles(dir);

    // The wildcard is the router's last resort: every API and operations route matches before it.
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      const notFound = () => new ShuttleError('not_found', { message: `No route for ${request.method} ${path}.` });
      if (isApiPath(path)) throw notFound();
      // A build made after start-up (npm run build:web while the server runs) is picked up on the next request.
      files ??= loadFiles(dir);
      const file = files?.get(path);
      if (file) return path === '/index.html' ? sendPage(request, reply, file) : send(request, reply, file);
      const wantsPage = extname(path) === '' && acceptsHtml(request.headers.accept);
      if (!wantsPage) throw notFound();
      const index = files?.get('/index.html');
      if (!index) {
        setDashboardHeaders(request, reply);
        return reply.code(503).header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(NOT_BUILT);
      }
      return sendPage(request, reply, index);
    });
  };
}

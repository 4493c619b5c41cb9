// The gateway serves the dashboard at `/`: hashed assets cached for a year, index.html revalidated, the app's own
// paths answered with index.html — and never anything but JSON errors under /api.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/http/plugins/error-handler.js';
import { dashboardRoutes } from '../../src/http/routes/dashboard.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body></body></html>';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('serving a built dashboard', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shuttle-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = Fastify();
    registerErrorHandler(app);
    await app.register(dashboardRoutes(dir));
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves hashed assets with a year-long immutable cache, gzipped when asked', async () => {
    const plain = await app.inject({ url: '/assets/index-Ab12Cd34.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.body).toBe(SCRIPT);

    const gzipped = await app.inject({ url: '/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.length).toBeLessThan(SCRIPT.length / 4);
  });

  it('serves index.html for the app’s own paths, revalidated every time', async () => {
    for (const url of ['/', '/keys', '/customers/acme-42?tab=limits', '/settings/routing']) {
      const page = await app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.body).toBe(INDEX);
    }
    const first = await app.inject({ url: '/' });
    const again = await app.inject({ url: '/', headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('answers a missing file, or a request that takes no HTML, with the JSON 404', async () => {
    for (const [url, accept] of [
      ['/assets/missing-123.js', '*/*'],
      ['/keys', 'application/json'],
    ]) {
      const response = await app.inject({ url: url as string, headers: { accept: accept as string } });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('not_found');
    }
  });

  it('never shadows /api: unknown API paths stay JSON errors, even for a browser', async () => {
    for (const url of ['/api', '/api/v2/keys', '/api/v1/does-not-exist']) {
      const response = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.json()).toEqual({
        error: { message: `No route for GET ${url}.`, type: 'not_found_error', code: 'not_found', param: null },
      });
    }
  });
});

describe('the gateway with its dashboard', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway();
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('keeps API 404s in the OpenAI shape with their request id, and the API itself unchanged', async () => {
    const missing = await fetch(`${gateway.api}/nope`, { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toMatch(/^req_/);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');

    const health = await fetch(`${gateway.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
    const openapi = await fetch(`${gateway.api}/openapi.json`);
    expect(openapi.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('answers a dashboard path with HTML, built or not', async () => {
    const page = await fetch(`${gateway.url}/usage`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await page.text()).toMatch(/<html/i);
  });
});

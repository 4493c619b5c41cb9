// The dashboard and the operations endpoints are locked down: security headers on the dashboard (a policy with no
// inline script, no framing, no referrer, HSTS over https), nosniff on every answer, /metrics with no tenant-chosen
// text in its labels and, when SHUTTLE_METRICS_TOKEN is set, behind that bearer token.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from '../../src/http/plugins/error-handler.js';
import { dashboardRoutes } from '../../src/http/routes/dashboard.js';
import { call, login } from '../helpers/api.js';
import { type FakeUpstream, startFakeOpenAi } from '../helpers/fake-openai.js';
import { postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

const INDEX = `<!doctype html><html><head><meta name="csp-nonce" content="shuttle-csp-nonce" />
<script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body></body></html>`;

function directives(policy: string | undefined): Map<string, string> {
  return new Map(
    (policy ?? '').split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values.join(' ')] as [string, string];
    }),
  );
}

describe('the dashboard’s security headers', () => {
  let dir: string;
  let behindProxy: FastifyInstance;
  let direct: FastifyInstance;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shuttle-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log(1);');
    const serve = async (trustProxy: boolean) => {
      const app = Fastify({ trustProxy });
      registerErrorHandler(app);
      await app.register(dashboardRoutes(dir));
      return app;
    };
    behindProxy = await serve(true);
    direct = await serve(false);
  });

  afterAll(async () => {
    await Promise.all([behindProxy?.close(), direct?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves pages and files with a policy that runs no inline script and forbids framing', async () => {
    for (const url of ['/', '/keys', '/assets/index-Ab12Cd34.js']) {
      const response = await direct.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      const policy = directives(response.headers['content-security-policy'] as string);
      expect(policy.get('script-src'), url).toBe("'self'");
      expect(policy.get('default-src'), url).toBe("'self'");
      expect(policy.get('frame-ancestors'), url).toBe("'none'");
      expect(policy.get('object-src'), url).toBe("'none'");
      expect(policy.get('style-src'), url).not.toContain('unsafe-inline');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('gives each page a fresh style nonce, the one in its policy', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const page = await direct.inject({ url: '/settings', headers: { accept: 'text/html' } });
      const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(page.body)?.[1] ?? '';
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(directives(page.headers['content-security-policy'] as string).get('style-src')).toBe(`'self' 'nonce-${nonce}'`);
      expect(page.headers.etag).toBeUndefined();
      nonces.add(nonce);
    }
    expect(nonces.size).toBe(3);
  });

  it('sends HSTS only over https, as a trusted proxy reports it', async () => {
    const headers = { accept: 'text/html', 'x-forwarded-proto': 'https' };
    expect((await behindProxy.inject({ url: '/', headers })).headers['strict-transport-security']).toBe('max-age=31536000');
    expect((await behindProxy.inject({ url: '/', headers: { accept: 'text/html' } })).headers['strict-transport-security']).toBeUndefined();
    // Without SHUTTLE_TRUST_PROXY the header is anyone's to send, and says nothing.
    expect((await direct.inject({ url: '/', headers })).headers['strict-transport-security']).toBeUndefined();
  });
});

describe('operations endpoints', () => {
  let gateway: TestGateway;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    upstream = await startFakeOpenAi();
    // SHUTTLE_ALLOW_PRIVATE_NETWORKS: the tenant's connection below reaches the fake upstream on loopback.
    gateway = await startGateway({ env: { SHUTTLE_ALLOW_PRIVATE_NETWORKS: 'true' } });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('marks every answer nosniff: API answers, errors, unknown routes, operations', async () => {
    const responses = await Promise.all([
      fetch(`${gateway.url}/healthz`),
      fetch(`${gateway.url}/metrics`),
      fetch(`${gateway.api}/nope`),
      fetch(`${gateway.api}/models`),
      postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    for (const response of responses) expect(response.headers.get('x-content-type-options'), response.url).toBe('nosniff');
  });

  it('labels metrics with provider types, never a tenant’s connection or rule names', async () => {
    const owner = await login(gateway);
    const connection = await call(gateway, 'POST', '/providers', {
      auth: owner,
      body: { name: 'acme-secret-conn', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-tenant', environment: 'production' },
    });
    expect(connection.status).toBe(201);
    const rule = await call(gateway, 'PUT', '/routing-rules/acme-secret-alias', {
      auth: owner,
      body: { targets: [{ provider: 'acme-secret-conn', model: 'gpt-4o-mini' }] },
    });
    expect(rule.status).toBe(201);
    const answer = await postJson(gateway, '/chat/completions', {
      model: 'acme-secret-alias',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(answer.status).toBe(200);
    upstream.handle((_request, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"down","code":"acme-secret-code"}}');
    });
    expect(
      (await postJson(gateway, '/chat/completions', { model: 'acme-secret-alias', messages: [{ role: 'user', content: 'x' }] })).status,
    ).toBe(503);

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).not.toContain('acme-secret');
    expect(metrics).toContain('shuttle_tokens_total{provider="openai",kind="prompt"}');
    expect(metrics).toMatch(/shuttle_upstream_errors_total\{provider="openai",code="upstream_error"\} 1/);
  });

  it('serves /metrics only with the bearer token when SHUTTLE_METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-0123456789';
    const guarded = await startGateway({ env: { SHUTTLE_METRICS_TOKEN: token } });
    try {
      const scrape = (authorization?: string) =>
        fetch(`${guarded.url}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
      for (const authorization of [
        undefined,
        '',
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        token,
        `Basic ${token}`,
        `Bearer ${guarded.masterKey}`,
      ]) {
        const refused = await scrape(authorization);
        expect(refused.status, String(authorization)).toBe(401);
        expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
      }
      const allowed = await scrape(`Bearer ${token}`);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('shuttle_requests_total');
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushUsage, postJson, startGateway, type TestGateway } from '../helpers/gateway.js';

describe('operations', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startGateway({
      captureLogs: true,
      env: { OPENAI_API_KEY: 'sk-upstream-secret-value', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', database: 'ok', redis: 'not_configured' });
  });

  it('puts a unique x-request-id on every response, errors and unknown routes included', async () => {
    const responses = await Promise.all([
      fetch(`${gateway.url}/healthz`),
      fetch(`${gateway.url}/nope`),
      fetch(`${gateway.api}/models`),
      postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    ]);
    const ids = responses.map((response) => response.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('logs one line per request with its request id, and never a secret', async () => {
    const response = await postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'log me' }] });
    const id = response.headers.get('x-request-id');
    await response.text();
    await postJson(gateway, '/chat/completions', { model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'fails upstream' }] });
    await flushUsage(gateway);
    const lines = gateway.logs().filter((line) => line.reqId === id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'request', status: 200, method: 'POST', model: 'mock/echo', tenantId: gateway.tenantId });
    const text = gateway.logText();
    expect(text).not.toContain(gateway.masterKey);
    expect(text).not.toContain('sk-upstream-secret-value');
  });

  it('exposes Prometheus metrics with the gateway overhead histogram', async () => {
    await postJson(gateway, '/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'measure me' }] }).then((r) =>
      r.text(),
    );
    await flushUsage(gateway);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('shuttle_gateway_overhead_seconds_bucket{le="0.001",route="/api/v1/chat/completions",provider="mock"}');
    expect(metrics).toMatch(/shuttle_requests_total\{route="\/api\/v1\/chat\/completions",status="200"\} \d+/);
    expect(metrics).toContain('shuttle_usage_queue_depth');
    expect(metrics).toContain('shuttle_tokens_total{provider="mock",kind="prompt"}');
  });

  it('serves an OpenAPI document of the API', async () => {
    const spec = (await (await fetch(`${gateway.api}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/v1/chat/completions', '/api/v1/models']));
  });

  it('reports not ready when the database is unreachable', async () => {
    const { shuttle } = gateway;
    await shuttle.runtime.db.destroy();
    const response = await fetch(`${gateway.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ database: 'unreachable' });
  });
});

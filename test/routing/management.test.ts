import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionTenant } from '../../src/auth/provisioning.js';
import { call, login } from '../helpers/api.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

describe('environments, provider connections and routing rules', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAi((request, res) => {
      if (request.headers.authorization !== 'Bearer sk-tenant-own-key')
        return sendJson(res, 401, {
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
        });
      sendJson(res, 200, completion('pong', { model: request.body.model }));
    });
    gateway = await startGateway({ env: { OPENAI_API_KEY: 'sk-global', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' } });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });

  it('every tenant has production and development, and may add more', async () => {
    const list = await api('GET', '/environments');
    expect(list.body.data.map((e: { name: string; builtIn: boolean }) => [e.name, e.builtIn])).toEqual([
      ['production', true],
      ['development', true],
    ]);
    expect((await api('POST', '/environments', { name: 'staging' })).status).toBe(201);
    expect((await api('POST', '/environments', { name: 'staging' })).status).toBe(409);
    expect((await api('POST', '/environments', { name: 'Not Valid' })).status).toBe(400);
    expect((await api('DELETE', '/environments/production')).status).toBe(409);
    const staged = await api('POST', '/keys', { name: 'Staging key', environment: 'staging' });
    expect(staged.body.environment).toBe('staging');
    expect((await api('DELETE', '/environments/staging')).status).toBe(409);
    await api('DELETE', `/keys/${staged.body.id}`);
    expect((await api('DELETE', '/environments/staging')).status).toBe(204);
    expect((await api('POST', '/keys', { name: 'Nowhere', environment: 'staging' })).status).toBe(400);
  });

  it('stores a tenant’s own connection with its key encrypted, and never returns the key', async () => {
    const created = await api('POST', '/providers', {
      name: 'my-openai',
      type: 'openai',
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-tenant-own-key',
      environment: 'production',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'my-openai', type: 'openai', environment: 'production', hasApiKey: true, global: false });
    expect(JSON.stringify(created.body)).not.toContain('sk-tenant-own-key');
    const listed = await api('GET', '/providers');
    expect(JSON.stringify(listed.body)).not.toContain('sk-tenant-own-key');
    expect(JSON.stringify(listed.body)).not.toContain('sk-global');
    expect(listed.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'openai', global: true, hasApiKey: true })]));
    const row = await gateway.shuttle.runtime.db
      .selectFrom('provider_connections')
      .selectAll()
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('sk-tenant-own-key');
    expect(row.encrypted_credentials).toMatch(/^v1\./);

    const answer = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'my-openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(answer.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-tenant-own-key');
    expect(answer.headers.get('x-shuttle-provider')).toBe('my-openai');
  });

  it('tests a connection, and a bad key shows up as the provider’s status, never its answer', async () => {
    const { body: good } = await api('POST', '/providers', {
      name: 'good',
      type: 'openai',
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-tenant-own-key',
    });
    const { body: bad } = await api('POST', '/providers', { name: 'bad', type: 'openai', baseUrl: upstream.baseUrl, apiKey: 'sk-wrong' });
    expect((await api('POST', `/providers/${good.id}/test`, { model: 'gpt-4o-mini' })).body).toMatchObject({
      ok: true,
      model: 'gpt-4o-mini',
      error: null,
    });
    const failed = await api('POST', `/providers/${bad.id}/test`, { model: 'gpt-4o-mini' });
    expect(failed.body).toMatchObject({
      ok: false,
      error: { status: 401, code: 'upstream_error', message: 'bad answered with HTTP 401.' },
    });
    expect(JSON.stringify(failed.body)).not.toMatch(/Incorrect API key|invalid_api_key/);
    const renamed = await api('PATCH', `/providers/${bad.id}`, { apiKey: 'sk-tenant-own-key', name: 'fixed' });
    expect(renamed.body.name).toBe('fixed');
    expect((await api('POST', `/providers/${bad.id}/test`, { model: 'gpt-4o-mini' })).body.ok).toBe(true);
  });

  it('validates connections', async () => {
    expect((await api('POST', '/providers', { name: 'x', type: 'nonsense', apiKey: 'k' })).status).toBe(400);
    expect((await api('POST', '/providers', { name: 'Bad Name', type: 'openai' })).status).toBe(400);
    expect((await api('POST', '/providers', { name: 'vllm-box', type: 'vllm' })).body.error.param).toBe('baseUrl');
    expect((await api('POST', '/providers', { name: 'my-openai', type: 'openai', apiKey: 'k' })).status).toBe(409);
    const dev = await api('POST', '/providers', { name: 'my-openai', type: 'openai', apiKey: 'k', environment: 'development' });
    expect(dev.status).toBe(201);
    expect(dev.body.baseUrl).toBe('https://api.openai.com/v1');
  });

  it('routes a bare model name by the environment’s connections as they are now, not as they were', async () => {
    expect((await api('POST', '/environments', { name: 'bare-names' })).status).toBe(201);
    const { body: key } = await api('POST', '/keys', { name: 'Bare names', environment: 'bare-names' });
    const ask = () =>
      call(gateway, 'POST', '/chat/completions', {
        auth: key.key,
        body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      });
    // Only the global openai connection (nothing listens at its address) serves gpt-4o-mini here.
    expect((await ask()).status).toBe(502);
    const { body: own } = await api('POST', '/providers', {
      name: 'openai',
      type: 'openai',
      baseUrl: upstream.baseUrl,
      apiKey: 'sk-tenant-own-key',
      environment: 'bare-names',
    });
    const shadowed = await ask();
    expect(shadowed.status).toBe(200);
    expect(upstream.requests.at(-1)?.headers.authorization).toBe('Bearer sk-tenant-own-key');
    expect((await api('DELETE', `/providers/${own.id}`)).status).toBe(204);
    expect((await ask()).status).toBe(502);
  });

  it('saves routing rules, validating them', async () => {
    const rule = {
      environment: 'production',
      strategy: 'fallback',
      targets: [{ provider: 'my-openai', model: 'gpt-4o-mini' }],
      retry: { attempts: 2, backoffMs: 10, on: [429, 503] },
      timeoutMs: 5000,
    };
    const created = await api('PUT', '/routing-rules/smart', rule);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      alias: 'smart',
      environment: 'production',
      strategy: 'fallback',
      retry: { attempts: 2 },
      timeoutMs: 5000,
      cooldown: { afterFailures: 3, seconds: 30 },
    });
    expect((await api('PUT', '/routing-rules/smart', { ...rule, timeoutMs: 9000 })).status).toBe(200);
    expect((await api('GET', '/routing-rules/smart?environment=production')).body.timeoutMs).toBe(9000);
    expect((await api('GET', '/routing-rules')).body.data.map((r: { alias: string }) => r.alias)).toEqual(['smart']);

    const unknown = await api('PUT', '/routing-rules/bad', { ...rule, targets: [{ provider: 'nowhere', model: 'x' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.param).toBe('targets.0.provider');
    expect((await api('PUT', '/routing-rules/bad', { ...rule, targets: [] })).status).toBe(400);
    const zero = await api('PUT', '/routing-rules/bad', {
      ...rule,
      strategy: 'weighted',
      targets: [{ provider: 'my-openai', model: 'a', weight: 0 }],
    });
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toContain('weights');
    expect((await api('PUT', '/routing-rules/bad', { ...rule, environment: 'nope' })).status).toBe(400);
    expect((await api('PUT', '/routing-rules/bad', { ...rule, strategy: 'random' })).status).toBe(400);
    const manyStatuses = await api('PUT', '/routing-rules/bad', { ...rule, retry: { ...rule.retry, on: Array(50_000).fill(503) } });
    expect(manyStatuses.status).toBe(400);
    expect(manyStatuses.body.error.param).toBe('retry.on');

    const answer = await call(gateway, 'POST', '/chat/completions', {
      auth: gateway.masterKey,
      body: { model: 'smart', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-shuttle-provider')).toBe('my-openai');
    const models = await call(gateway, 'GET', '/models', { auth: gateway.masterKey });
    expect(models.body.data.map((m: { id: string }) => m.id)).toContain('smart');

    const connection = (await api('GET', '/providers')).body.data.find(
      (c: { name: string; environment: string }) => c.name === 'my-openai' && c.environment === 'production',
    );
    expect((await api('DELETE', `/providers/${connection.id}`)).status).toBe(409);
    expect((await api('DELETE', '/routing-rules/smart?environment=production')).status).toBe(204);
    expect((await api('DELETE', '/routing-rules/smart?environment=production')).status).toBe(404);
    expect((await api('DELETE', `/providers/${connection.id}`)).status).toBe(204);
    const actions = (await api('GET', '/audit-log?limit=200')).body.data.map((e: { action: string }) => e.action);
    for (const action of [
      'environment.created',
      'provider.created',
      'provider.updated',
      'provider.deleted',
      'routing_rule.saved',
      'routing_rule.deleted',
    ])
      expect(actions).toContain(action);
  });

  it('keeps all of it to admins of the tenant', async () => {
    expect((await call(gateway, 'GET', '/providers', { auth: gateway.masterKey })).status).toBe(403);
    const other = await provisionTenant(gateway.shuttle.runtime.db, {
      tenantName: 'Other',
      email: 'other@x.test',
      password: 'other password',
    });
    const otherToken = await login(gateway, 'other@x.test', 'other password');
    const mine = (await api('GET', '/providers')).body.data.find((c: { global: boolean }) => !c.global);
    expect((await call(gateway, 'PATCH', `/providers/${mine.id}`, { auth: otherToken, body: { name: 'stolen' } })).status).toBe(404);
    expect((await call(gateway, 'GET', '/providers', { auth: otherToken })).body.data.every((c: { global: boolean }) => c.global)).toBe(
      true,
    );
    // Another tenant naming this tenant's connection never reaches it (here it falls to the global provider).
    const before = upstream.requests.length;
    const foreign = await call(gateway, 'POST', '/chat/completions', {
      auth: other.masterKey,
      body: { model: 'good/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
    });
    expect(foreign.status).not.toBe(200);
    expect(foreign.headers.get('x-shuttle-provider')).not.toBe('good');
    expect(upstream.requests.length).toBe(before);
  });
});

import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../helpers/api.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { completion, type FakeUpstream, sendJson, startFakeOpenAi } from '../helpers/fake-openai.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

const ask = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });

describe.each(DIALECTS)('changing a provider connection, on %s', (dialect: TestDialect) => {
  let home: FakeUpstream;
  let elsewhere: FakeUpstream;
  let gateway: TestGateway;
  let token: string;

  beforeAll(async () => {
    home = await startFakeOpenAi((_request, res) => sendJson(res, 200, completion('home')));
    elsewhere = await startFakeOpenAi((_request, res) => sendJson(res, 200, completion('elsewhere')));
    gateway = await startGateway({ dialect });
    token = await login(gateway);
  });

  afterAll(async () => {
    await gateway?.close();
    await home?.close();
    await elsewhere?.close();
  });

  const api = (method: string, path: string, body?: unknown) => call(gateway, method, path, { auth: token, body });
  const connection = async (id: string) => (await api('GET', '/providers')).body.data.find((c: { id: string }) => c.id === id);

  it('never sends a stored key to another host: moving a connection needs its secrets again', async () => {
    const { body: created } = await api('POST', '/providers', {
      name: 'movable',
      type: 'openai',
      baseUrl: home.baseUrl,
      apiKey: 'sk-home-only',
      credentials: { organization: 'org-home' },
    });

    const moved = await api('PATCH', `/providers/${created.id}`, { baseUrl: elsewhere.baseUrl });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'credentials_required', param: 'apiKey' });
    expect(moved.body.error.message).toContain('apiKey, organization');
    expect(await connection(created.id)).toMatchObject({ baseUrl: home.baseUrl, hasApiKey: true });

    // The same host at another path keeps them.
    const samePlace = await api('PATCH', `/providers/${created.id}`, { baseUrl: `${home.baseUrl}/` });
    expect(samePlace.status).toBe(200);
    expect(samePlace.body).toMatchObject({ hasApiKey: true, credentialNames: ['organization'] });

    // A new host gets the secrets sent with it, and only those.
    const rekeyed = await api('PATCH', `/providers/${created.id}`, { baseUrl: elsewhere.baseUrl, apiKey: 'sk-elsewhere' });
    expect(rekeyed.status).toBe(200);
    expect(rekeyed.body).toMatchObject({ baseUrl: elsewhere.baseUrl, hasApiKey: true, credentialNames: [] });
    const answer = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('movable/gpt-4o-mini') });
    expect(answer.status).toBe(200);
    expect(elsewhere.last().headers.authorization).toBe('Bearer sk-elsewhere');
    expect(JSON.stringify(elsewhere.requests)).not.toMatch(/sk-home-only|org-home/);

    // A connection with no secrets moves freely.
    const { body: open } = await api('POST', '/providers', { name: 'keyless', type: 'vllm', baseUrl: home.baseUrl });
    expect((await api('PATCH', `/providers/${open.id}`, { baseUrl: elsewhere.baseUrl })).status).toBe(200);
    // Its type is not something an update can change.
    expect((await api('PATCH', `/providers/${open.id}`, { type: 'anthropic' })).status).toBe(400);
  });

  it('refuses to rename a connection routing rules use, naming them', async () => {
    const { body: created } = await api('POST', '/providers', { name: 'primary', type: 'openai', baseUrl: home.baseUrl, apiKey: 'k' });
    const rule = { environment: 'production', targets: [{ provider: 'primary', model: 'gpt-4o-mini' }] };
    expect((await api('PUT', '/routing-rules/smart', rule)).status).toBe(201);
    expect((await api('PUT', '/routing-rules/cheap', rule)).status).toBe(201);

    const renamed = await api('PATCH', `/providers/${created.id}`, { name: 'secondary' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error.message).toContain('cheap, smart');
    const deleted = await api('DELETE', `/providers/${created.id}`);
    expect(deleted.status).toBe(409);
    expect(deleted.body.error.message).toContain('cheap, smart');
    expect((await connection(created.id)).name).toBe('primary');
    expect((await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('smart') })).status).toBe(200);

    // Other changes, and keeping the name, are fine.
    expect((await api('PATCH', `/providers/${created.id}`, { name: 'primary', apiKey: 'k2' })).status).toBe(200);
    await api('DELETE', '/routing-rules/smart?environment=production');
    await api('DELETE', '/routing-rules/cheap?environment=production');
    expect((await api('PATCH', `/providers/${created.id}`, { name: 'secondary' })).body.name).toBe('secondary');
  });

  it('tests a connection without showing anything it answered', async () => {
    const secret = 'INTERNAL-ONLY db password hunter2';
    const answers: Array<(res: ServerResponse) => void> = [
      (res) => sendJson(res, 200, completion(secret, { model: secret })),
      (res) => sendJson(res, 500, { error: { message: secret, type: secret, code: 'internal_secret' } }),
      (res) => {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>${secret}</h1>`);
      },
    ];
    const internal = await startFakeUpstream((_request, res) => answers.shift()?.(res));
    try {
      const { body: created } = await api('POST', '/providers', { name: 'probe', type: 'vllm', baseUrl: `${internal.url}/v1` });
      const results = [];
      for (let i = 0; i < 3; i++) results.push((await api('POST', `/providers/${created.id}/test`, { model: 'probe-model' })).body);
      expect(results.map((r) => r.ok)).toEqual([true, false, false]);
      expect(results[0]).toMatchObject({ model: 'probe-model', error: null });
      expect(results[1].error).toEqual({ status: 500, code: 'upstream_error', message: 'probe answered with HTTP 500.' });
      expect(results[2].error).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
      for (const result of results) {
        expect(result.latencyMs).toBeGreaterThanOrEqual(0);
        expect(JSON.stringify(result)).not.toMatch(/INTERNAL-ONLY|hunter2|internal_secret/);
      }
    } finally {
      await internal.close();
    }
  });

  it('does not follow a provider’s redirect', async () => {
    const target = await startFakeOpenAi((_request, res) => sendJson(res, 200, completion('redirected')));
    const redirecting = await startFakeUpstream((_request, res) => {
      res.writeHead(307, { location: `${target.baseUrl}/chat/completions` }).end();
    });
    try {
      await api('POST', '/providers', { name: 'redirecting', type: 'openai', baseUrl: `${redirecting.url}/v1`, apiKey: 'sk-redirected' });
      const answer = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('redirecting/gpt-4o-mini') });
      expect(answer.status).toBe(502);
      expect(redirecting.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
      await redirecting.close();
    }
  });
  it('refuses a Bedrock region that is no region name, since it names the host the credentials are sent to', async () => {
    for (const region of ['@127.0.0.1:9/', 'x.elsewhere.example#', 'us-east-1.elsewhere.example/', 'EU-WEST-1']) {
      const created = await api('POST', '/providers', {
        name: 'steered',
        type: 'bedrock',
        options: { region },
        credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
      });
      expect(created.status, region).toBe(400);
      expect(created.body.error).toMatchObject({ code: 'invalid_request', param: 'options.region' });
    }
    const fine = await api('POST', '/providers', {
      name: 'frankfurt',
      type: 'bedrock',
      options: { region: 'eu-central-1' },
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
    });
    expect(fine.body.baseUrl).toBe('https://bedrock-runtime.eu-central-1.amazonaws.com');
  });
  it('refuses a key or credential that an HTTP header cannot carry, instead of failing every call later', async () => {
    const tries = [
      { apiKey: 'sk-a\r\nx-injected: 1' },
      { apiKey: 'sk-\u2603' },
      { apiKey: 'sk-a b' },
      { credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token\nx: y' } },
    ];
    for (const secrets of tries) {
      const created = await api('POST', '/providers', { name: 'unsendable', type: 'bedrock', baseUrl: home.baseUrl, ...secrets });
      expect(created.status, JSON.stringify(secrets)).toBe(400);
      expect(created.body.error.param).toMatch(/^(apiKey|credentials\.sessionToken)$/);
    }
    const { body: saved } = await api('POST', '/providers', { name: 'sendable', type: 'openai', baseUrl: home.baseUrl, apiKey: 'sk-fine' });
    expect((await api('PATCH', `/providers/${saved.id}`, { apiKey: 'sk-new\r\nx: y' })).status).toBe(400);
    // A key pasted with a line break after it is kept without the line break.
    expect((await api('PATCH', `/providers/${saved.id}`, { apiKey: ' sk-pasted\n' })).status).toBe(200);
    const answer = await call(gateway, 'POST', '/chat/completions', { auth: gateway.masterKey, body: ask('sendable/gpt-4o-mini') });
    expect(answer.status).toBe(200);
    expect(home.last().headers.authorization).toBe('Bearer sk-pasted');
  });
});
